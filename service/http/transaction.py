"""One session and one transaction per request: operations flush, the edge commits or rolls back."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from ..db import begin_write

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def db() -> Session:
    """The request's session (opened on first use); a writing request takes SQLite's write lock up front."""
    ctx_g = g._get_current_object()  # type: ignore[attr-defined] - one proxy hop, not five
    session = ctx_g.get("db")
    if session is None:
        session = ctx_g.db = current_app.extensions["vinhdanh"].session_factory()
        if request.method not in READ_METHODS:
            begin_write(session)  # SQLite: wait for the write lock at once, never fail on it halfway (a false 409)
    return session


def install(app: Flask, *, on_commit_failure) -> None:
    """Commit after a successful response (2xx/3xx), roll back otherwise; always close.

    `on_commit_failure()` builds the response for a commit that fails (a lost race found at commit
    time is a conflict, never a success).
    """

    @app.after_request
    def _commit(response):
        session = g.get("db")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except Exception as exc:
            session.rollback()
            current_app.logger.info("commit failed: %s", exc)
            return on_commit_failure()
        return response

    @app.teardown_request
    def _close(exc):
        session = g.pop("db", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()
