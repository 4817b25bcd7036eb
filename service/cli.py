"""Command line: serve, worker, migrate, seed. Each command is one transaction per unit of work."""

from __future__ import annotations

import logging

import click

from .config import Settings
from .db import make_engine, make_session_factory


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO: far too much for a service log.
    logging.getLogger("spiff").setLevel(logging.WARNING)


def _prepare(settings: Settings) -> None:
    from . import bootstrap, migrate

    migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            done = bootstrap.bootstrap(session, admin_password=settings.admin_password,
                                       demo_data=settings.demo_data)
            session.commit()
    finally:
        engine.dispose()  # `serve` forks its workers next: no pooled connection may be shared with them
    if done:
        click.echo(f"Đã khởi tạo / seeded: {', '.join(done)}")


@click.group()
def main() -> None:
    """Vinh Danh service commands."""
    _configure_logging()
    # The worker steps nomination instances too: their service handlers and guards must be registered.
    from .nomination import wiring

    wiring.install()


@main.command("serve")
def serve_command() -> None:
    """Migrate, seed a new database, serve HTTP and fire timers in this process."""
    serve()


def serve() -> None:
    """Migrate and seed, then serve through Granian; each worker runs the timer loop and the PDF converter."""
    from . import serving

    _configure_logging()
    settings = Settings.from_env()
    _prepare(settings)
    click.echo(f"Vinh Danh: http://{settings.host}:{settings.port}/  (API docs: /api/v1/docs)")
    serving.serve(settings)


@main.command("worker")
@click.option("--interval", default=1.0, show_default=True, help="Longest wait between polls, in seconds.")
@click.option("--once", is_flag=True, help="Fire what is due now, then exit.")
def worker_command(interval: float, once: bool) -> None:
    """Fire due timers (scale-out: run several; each timer fires once)."""
    from .worker import run_worker_command

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        fired = run_worker_command(make_session_factory(engine), interval=interval, once=once)
    finally:
        engine.dispose()
    if once:
        click.echo(f"Đã kích hoạt hẹn giờ của {fired} hồ sơ. / Fired the timers of {fired} instance(s).")


@main.command("migrate")
def migrate_command() -> None:
    """Upgrade the database to the latest schema."""
    from . import migrate

    migrate.upgrade(Settings.from_env().database_url)


@main.command("init")
def init_command() -> None:
    """Migrate and seed a new database (admin from ADMIN_PASSWORD, demo data when DEMO_DATA=1)."""
    _prepare(Settings.from_env())


@main.command("load-org-units")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
def load_org_units_command(path: str | None) -> None:
    """Load org units from CSV/XLSX (default: Da Nang's 2026 tree); all or nothing."""
    from .errors import ValidationFailed
    from .nomination import reference_import, seed

    engine = make_engine(Settings.from_env().database_url)
    try:
        with make_session_factory(engine)() as session:
            try:
                result = reference_import.load_org_units(session, path)
            except ValidationFailed as exc:
                session.rollback()
                for row in exc.details["rows"]:
                    click.echo(f"dòng/row {row['row']} {row['column'] or ''}: {row['message']}", err=True)
                raise click.ClickException(exc.message) from None
            seed.seed(session)  # the movement needs its lead agencies, which the tree brings
            session.commit()
    finally:
        engine.dispose()
    click.echo(f"Đã nhập / imported: {result['created']} mới / new, {result['updated']} cập nhật / updated.")


@main.command("seed-nomination")
def seed_nomination_command() -> None:
    """Add the missing legal parameters, DX editions and the QĐ 3970 movement (idempotent)."""
    from .nomination import seed

    engine = make_engine(Settings.from_env().database_url)
    try:
        with make_session_factory(engine)() as session:
            done = seed.seed(session)
            session.commit()
    finally:
        engine.dispose()
    click.echo(f"Đã khởi tạo / seeded: {', '.join(done) or 'không có gì mới / nothing new'}")


@main.command("demo-round", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def demo_round_command(args: tuple[str, ...]) -> None:
    """Play a whole award round through the HTTP API as the demo users (`--url` drives a running service)."""
    from .demo import round as demo_round

    demo_round.main(list(args))


if __name__ == "__main__":
    main()
