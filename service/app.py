"""The Flask application factory: wiring only."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .api import admin, auth, context, definitions, instances, messages, openapi, tasks
from .api.errors import register_error_handlers
from .config import Settings
from .db import make_engine, make_session_factory
from .operations.auth import TokenSigner


@dataclass
class Services:
    engine: Engine
    session_factory: sessionmaker
    token_signer: TokenSigner
    settings: Settings
    openapi_cache: dict = field(default_factory=dict)


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.config["SECRET_KEY"] = settings.secret_key
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    engine = engine or make_engine(settings.database_url)
    app.extensions["vinhdanh"] = Services(
        engine=engine,
        session_factory=make_session_factory(engine),
        token_signer=TokenSigner(settings.secret_key, settings.token_max_age),
        settings=settings,
    )
    register_error_handlers(app)
    context.install(app)
    for blueprint in (auth.bp, admin.bp, definitions.bp, instances.bp, tasks.bp, messages.bp, openapi.bp):
        app.register_blueprint(blueprint)

    @app.get("/healthz")
    def healthz():
        """200 once the database answers."""
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return jsonify({"status": "ok"})

    return app
