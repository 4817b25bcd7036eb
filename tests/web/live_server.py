"""The service on a free 127.0.0.1 port in a background thread, on its own freshly migrated database with the
demo data, the timer loop running: what `make run` serves, for browser tests."""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import BaseWSGIServer, make_server

from service import migrate
from service.app import create_app
from service.bootstrap import bootstrap
from service.config import Settings
from service.db import make_engine
from service.worker import TimerLoop


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash
    app: Flask
    engine: Engine
    server: BaseWSGIServer
    timers: TimerLoop

    def url_for(self, path: str) -> str:
        return self.url + (path if path.startswith("/") else "/" + path)

    def session(self):
        """A database session on the served database (commit yourself)."""
        return self.app.extensions["vinhdanh"].session_factory()


def web_database_url(suite_url: str | None, suffix: str = "web") -> str:
    """SQLite in a temporary folder, or a new database `<name>_<suffix>` beside the suite's PostgreSQL one.

    The browser tests get their own database because the suite's fixtures empty the shared one after each test.
    """
    if not suite_url or not suite_url.startswith("postgresql"):
        return f"sqlite:///{tempfile.mkdtemp(prefix=f'vinhdanh-{suffix}-')}/{suffix}.db"
    url = make_url(suite_url)
    web_url = url.set(database=f"{url.database}_{suffix}")
    admin = make_engine(suite_url).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{web_url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{web_url.database}"'))
    admin.dispose()
    return web_url.render_as_string(hide_password=False)


def prepare_database(url: str) -> None:
    """Migrate and seed as `make run` does on a new database: roles, reference data, the demo users and processes."""
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            bootstrap(session, admin_password=None, demo_data=True)
            session.commit()
    finally:
        engine.dispose()


def start_live_server(database_url: str) -> LiveServer:
    settings = Settings(database_url=database_url, secret_key="web-test-secret", token_max_age=3600,
                        timer_interval=0.5, pdf_background=shutil.which("soffice") is not None)
    engine = make_engine(database_url)
    app = create_app(settings, engine=engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="web-test-server", daemon=True).start()
    timers = TimerLoop(app.extensions["vinhdanh"].session_factory, settings.timer_interval)
    timers.start()
    return LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, engine=engine, server=server,
                      timers=timers)


def stop_live_server(live: LiveServer) -> None:
    live.server.shutdown()
    live.server.server_close()
    live.timers.stop()
    converter = live.app.extensions["vinhdanh"].pdf_converter
    if converter is not None:
        converter.stop()
    live.engine.dispose()
