"""Page access: a signed-in user, or the sign-in page with the way back."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import g, redirect, request, url_for

from ..http import optional_user
from ..http.principal import is_api_request, signed_in_externally
from ..permissions import must_change_password

# What a user who must first change an administrator-set password may still open.
OPEN_WHILE_PASSWORD_HELD = frozenset({"auth.change_password", "auth.logout", "auth.language", "static"})


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


def password_held() -> bool:
    """Whether the signed-in user of this page request must change their password before anything else."""
    user = optional_user()
    return user is not None and must_change_password(user, external_sign_in=signed_in_externally())


def hold_for_password_change():
    """Before every page: a user held by `password_held` goes to the change-password page (htmx: HX-Redirect).

    The API answers such users itself (service/http/install.py); static assets and /healthz carry no user.
    """
    if is_api_request():
        return None
    g.password_held = held = password_held()
    endpoint = request.endpoint or ""
    if not held or endpoint in OPEN_WHILE_PASSWORD_HELD or endpoint.endswith(".static"):
        return None
    # After the change the user goes on to the page they asked for (a GET; a form posted meanwhile is dropped).
    next_url = request.full_path.rstrip("?") if request.method == "GET" and request.path != "/" else None
    target = url_for("auth.change_password", next=next_url)
    if request.headers.get("HX-Request"):  # htmx would swap the page into its target: the browser goes instead
        return "", 200, {"HX-Redirect": target}
    return redirect(target)
