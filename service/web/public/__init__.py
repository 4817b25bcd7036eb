"""Public notice pages, without sign-in: the open notices, each list of nominees with its published comments,
the comment form; and the emulation–commendation office's moderation queue (signed in)."""

from __future__ import annotations

from flask import Flask

from ...http import db
from ...nomination import permissions as nomination_permissions
from .. import navigation
from ..navigation import NavItem
from .views import bp

__all__ = ["bp", "install"]


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, NavItem("public.moderation", "Ý kiến nhân dân", order=65,
                                     visible=lambda user: nomination_permissions.can_moderate_comments(db(), user)))
