"""The lead agency's pages: rounds and each round's dashboard."""

from __future__ import annotations

from flask import Flask

from ...nomination.permissions import can_register
from .. import navigation
from ..navigation import NavItem
from .views import bp

__all__ = ["bp", "install"]

ROUND_READERS = frozenset({"lead_reviewer", "lead_head", "ec_officer", "home_affairs_head", "council_standing",
                           "chairman", "auditor"})


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, NavItem("rounds.index", "Đợt khen thưởng", order=50,
                                     visible=lambda user: bool(ROUND_READERS & user.role_keys())))
    navigation.register(app, NavItem("rounds.registrations_page", "Đăng ký thi đua", order=35,
                                     visible=can_register))
    navigation.register(app, NavItem("rounds.registrations_report", "Đăng ký thi đua", order=55,
                                     visible=lambda user: bool(ROUND_READERS & user.role_keys())))
