"""The registers in the pages: awards (search by name, year) and documents, each exportable."""

from __future__ import annotations

from flask import Flask

from .. import navigation
from ..navigation import NavItem
from .views import bp

__all__ = ["bp", "install"]

READERS = frozenset({"lead_reviewer", "lead_head", "ec_officer", "home_affairs_head", "council_standing", "chairman",
                     "auditor"})


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, NavItem("registers.awards_register", "Sổ khen thưởng", order=60,
                                     visible=lambda user: bool(READERS & user.role_keys())))
