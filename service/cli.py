"""Command line: serve, worker, migrate, seed. Each command is one transaction per unit of work."""

from __future__ import annotations

import logging

import click

from .config import Settings
from .db import make_engine, make_session_factory


def _prepare(settings: Settings) -> None:
    from . import bootstrap, migrate

    migrate.upgrade(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url))
    with factory() as session:
        done = bootstrap.bootstrap(session, admin_password=settings.admin_password, demo_data=settings.demo_data)
        session.commit()
    if done:
        click.echo(f"Đã khởi tạo / seeded: {', '.join(done)}")


@click.group()
def main() -> None:
    """Vinh Danh service commands."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command("serve")
def serve_command() -> None:
    """Migrate, seed a new database, serve HTTP and fire timers in this process."""
    serve()


def serve() -> None:
    from .app import create_app
    from .worker import TimerLoop

    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env()
    _prepare(settings)
    app = create_app(settings)
    loop = TimerLoop(app.extensions["vinhdanh"].session_factory, settings.timer_interval)
    loop.start()
    click.echo(f"Vinh Danh: http://{settings.host}:{settings.port}/  (API docs: /api/v1/docs)")
    app.run(host=settings.host, port=settings.port, threaded=True, use_reloader=False)


@main.command("worker")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between polls.")
def worker_command(interval: float) -> None:
    """Fire due timers (scale-out: run several; each timer fires once)."""
    from .worker import run_forever

    settings = Settings.from_env()
    run_forever(make_session_factory(make_engine(settings.database_url)), interval)


@main.command("migrate")
def migrate_command() -> None:
    """Upgrade the database to the latest schema."""
    from . import migrate

    migrate.upgrade(Settings.from_env().database_url)


@main.command("init")
def init_command() -> None:
    """Migrate and seed a new database (admin from ADMIN_PASSWORD, demo data when DEMO_DATA=1)."""
    _prepare(Settings.from_env())


if __name__ == "__main__":
    main()
