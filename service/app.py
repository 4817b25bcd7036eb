"""The Flask application factory: wiring only."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from flask import Blueprint, Flask, jsonify
from flask.ctx import RequestContext
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from . import http, web
from .api import (
    admin,
    auth,
    definitions,
    document_progress,
    documents,
    exports,
    input_guard,
    instances,
    messages,
    nomination,
    openapi,
    tasks,
)
from .config import Settings
from .db import make_engine, make_session_factory
from .nomination import wiring as nomination_wiring
from .operations.auth import TokenSigner
from .pdf.service import ConversionService, default_slots, embedded_converter


class App(Flask):
    """Flask, asking once per function whether it is a coroutine (Flask asks on every call, for every
    hook of every request)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        try:
            return self._sync[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable, never cached
            wrapped = super().ensure_sync(func)
            with contextlib.suppress(TypeError):
                self._sync[func] = wrapped
            return wrapped

    def request_context(self, environ) -> RequestContext:
        """Flask's request context, with the request's size limits read from the config here, once.

        Flask's `Request` reads each limit from `current_app.config` through two context-variable
        lookups on every access, and a JSON request reads them four to eight times. Set on the request,
        they are read as plain attributes; the config is still read on every request, so a changed
        limit applies to the next one."""
        request = self.request_class(environ)
        request.json_module = self.json
        config = self.config
        request.max_content_length = config["MAX_CONTENT_LENGTH"]
        request.max_form_memory_size = config["MAX_FORM_MEMORY_SIZE"]
        request.max_form_parts = config["MAX_FORM_PARTS"]
        return RequestContext(self, environ, request=request)


@dataclass
class Services:
    engine: Engine
    session_factory: sessionmaker
    token_signer: TokenSigner
    settings: Settings
    openapi_cache: dict = field(default_factory=dict)
    pdf_converter: ConversionService | None = None


# Threads of a server worker beside its request threads that use the database: the timer loop and
# the notification sender (the PDF converter's slots are counted from its settings).
BACKGROUND_THREADS = 2


def connections_needed(settings: Settings) -> int:
    """Database connections one worker process uses at once: every request thread, the background
    threads and each PDF converter slot."""
    return settings.web_threads + BACKGROUND_THREADS + (settings.pdf_converters or default_slots())


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = App(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.config["SECRET_KEY"] = settings.secret_key
    engine = engine or make_engine(settings.database_url, pool_size=connections_needed(settings))
    app.extensions["vinhdanh"] = Services(
        engine=engine,
        session_factory=make_session_factory(engine),
        token_signer=TokenSigner(settings.secret_key, settings.token_max_age),
        settings=settings,
    )
    if settings.pdf_background:  # generated documents become PDFs after commit, off the request path
        embedded_converter(app)  # starts with the first document; `start_embedded_converter` starts it now
    nomination_wiring.install()
    input_guard.install(app)  # before the routes (bounded ids) and before authentication
    http.install(app)
    web.install(app)
    # The API's blueprints are nested under one named "api": their endpoints ("api.tasks.inbox") never
    # collide with the pages' ("tasks.page").
    api = Blueprint("api", __name__)
    for blueprint in (auth.bp, admin.bp, definitions.bp, instances.bp, tasks.bp, messages.bp, openapi.bp,
                      *nomination.BLUEPRINTS, documents.bp, document_progress.bp, exports.bp):
        api.register_blueprint(blueprint)
    app.register_blueprint(api)

    @app.get("/healthz")
    def healthz():
        """200 once the database answers."""
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return jsonify({"status": "ok"})

    return app
