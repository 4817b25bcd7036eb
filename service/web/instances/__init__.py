"""The instance pages: starting one, its state, diagram, history, documents and files, data view."""

from __future__ import annotations

from flask import Flask

from .. import navigation
from ..navigation import NavItem
from .views import bp

__all__ = ["bp", "install"]


def install(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation.register(app, NavItem("instances.new", "Khởi tạo hồ sơ", order=40))
