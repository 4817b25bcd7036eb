"""Dossier pages for the unit's officer and head: create for an open round, the dossier with its
reasons, clock, nominees and open steps, nominees from Excel into the draft step; the nominee editor,
enterprise clearances and the council meeting (editor.py)."""

from __future__ import annotations

from flask import Flask

from .. import navigation
from ..navigation import NavItem
from . import editor  # noqa: F401  (its routes are on the dossiers blueprint)
from .views import bp

__all__ = ["bp", "install"]

UNIT_ROLES = frozenset({"unit_officer", "unit_head"})


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, NavItem("dossiers.index", "Hồ sơ đề nghị", order=40,
                                     visible=lambda user: bool(UNIT_ROLES & user.role_keys())))
