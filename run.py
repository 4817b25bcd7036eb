"""Start the service: migrate, seed a new database, serve, and fire timers in the same process."""

from __future__ import annotations

from service.cli import serve

if __name__ == "__main__":
    serve()
