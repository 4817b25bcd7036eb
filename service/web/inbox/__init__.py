"""The inbox pages: Việc của tôi / Việc của nhóm / Đã xử lý."""

from __future__ import annotations

from flask import Flask

from .. import navigation
from ..navigation import NavItem
from .views import bp, counts

__all__ = ["bp", "install"]


def install(app: Flask) -> None:
    """The inbox is the signed-in home; its tabs are in the navigation with their open-task counts."""
    app.register_blueprint(bp)
    app.extensions["vinhdanh_home"] = "inbox.index"
    navigation.register(app, NavItem("inbox.mine", "Việc của tôi", order=10, count=lambda user: counts()["mine"]))
    navigation.register(app, NavItem("inbox.group", "Việc của nhóm", order=20, count=lambda user: counts()["group"]))
    navigation.register(app, NavItem("inbox.done", "Đã xử lý", order=30))
