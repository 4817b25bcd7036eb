"""Page access: a signed-in user, or the sign-in page with the way back."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import redirect, request, url_for

from ..http import optional_user


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view for signed-in users; others go to the sign-in page and come back after it."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any):
        if optional_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in; anything pointing elsewhere is dropped (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
