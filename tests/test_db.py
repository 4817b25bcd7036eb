"""Connections: SQLite reads through a memory map; server connections are checked only after sitting idle."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from service import db


@pytest.fixture
def server_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to lose (the PostgreSQL run covers this)")
    return database_url


def _pooled_backend_dropped(engine, killer) -> int:
    """Check a connection in and out once, then have the server end it while it sits in the pool."""
    with engine.connect() as connection:
        pid = connection.scalar(text("SELECT pg_backend_pid()"))
    with killer.connect() as connection:
        assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return pid


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(server_url, monkeypatch):
    engine, killer = db.make_engine(server_url), db.make_engine(server_url)
    try:
        dropped = _pooled_backend_dropped(engine, killer)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled connection counts as idle
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != dropped
    finally:
        engine.dispose()
        killer.dispose()


def test_a_connection_in_steady_use_is_not_pinged(server_url, monkeypatch):
    engine, killer = db.make_engine(server_url), db.make_engine(server_url)
    try:
        _pooled_backend_dropped(engine, killer)
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 3600.0)
        # Used again at once: no ping, so the loss shows on the statement (one failed request).
        with pytest.raises(OperationalError), engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        with engine.connect() as connection:  # the pool dropped the dead connection: the next one works
            assert connection.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()
        killer.dispose()


def test_sqlite_connections_read_through_a_memory_map(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'mapped.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == db.SQLITE_MMAP_BYTES
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()
