"""The navigation every page shows: areas register their entries; the layout lists those the user may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, g

from ..http import optional_user
from ..models import User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str  # a msgid, translated by the layout
    order: int = 100
    visible: Callable[[User], bool] = lambda user: True
    count: Callable[[User], int] | None = None  # shown beside the label (e.g. open tasks)


def register(app: Flask, item: NavItem) -> None:
    """Add an entry to the navigation (called by an area's install)."""
    items = app.extensions.setdefault("vinhdanh_nav", [])
    items.append(item)
    items.sort(key=lambda entry: entry.order)


def install(app: Flask) -> None:
    @app.context_processor
    def _navigation():
        user = optional_user()
        if user is None or g.get("password_held"):  # a held user has nowhere to go but the password page
            return {"nav_items": []}
        entries = []
        for item in current_app.extensions.get("vinhdanh_nav", []):
            if item.visible(user):
                entries.append({"endpoint": item.endpoint, "label": item.label,
                                "count": item.count(user) if item.count is not None else None})
        return {"nav_items": entries}
