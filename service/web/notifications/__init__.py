"""The bell with the unread count, the list of notifications, marking read, the e-mail preference."""

from __future__ import annotations

from flask import Flask, g

from ...http import optional_user
from ...notifications import reading
from ..context import db
from .views import bp

__all__ = ["bp", "install"]


def unread() -> int:
    """The signed-in user's unread count, once per request (0 when signed out)."""
    if "vd_unread" not in g:
        user = optional_user()
        g.vd_unread = reading.unread_count(db(), actor=user) if user is not None else 0
    return g.vd_unread


def install(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _bell():
        return {"unread_notifications": unread}
