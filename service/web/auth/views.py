"""Sign-in and the account pages (same users, argon2 hashes and throttle as the API's token endpoint)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ...errors import AuthenticationFailed, TooManyRequests, ValidationFailed
from ...http import current_user, db, optional_user, sign_in, sign_out
from ...http.locale import request_locale
from ...http.principal import signed_in_externally
from ...i18n import SUPPORTED_LOCALES, msg, translate, translate_tree
from ...operations import auth as auth_ops
from ..access import login_required, safe_next
from ..messages import notify

bp = Blueprint("auth", __name__, template_folder="templates")

MAX_FIELD = 256


@bp.get("/")
def home():
    """The inbox once signed in, else the sign-in page."""
    if optional_user() is None:
        return redirect(url_for("auth.login"))
    endpoint = current_app.extensions.get("vinhdanh_home")
    if endpoint:
        return redirect(url_for(endpoint))
    return render_template("auth/home.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a failed attempt keeps the username and counts towards its throttle."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if optional_user() is not None:
            return redirect(next_url or url_for("auth.home"))
        return render_template("auth/login.html", next_url=next_url, username="", error=None)
    username = (request.form.get("username") or "").strip()[:MAX_FIELD]
    password = (request.form.get("password") or "")[:MAX_FIELD]
    error, status = None, 200
    if not username or not password:
        error, status = msg("Vui lòng nhập tên đăng nhập và mật khẩu."), 422
    else:
        session_ = db()
        try:
            user = auth_ops.sign_in(session_, username=username, password=password)
        except AuthenticationFailed as exc:
            session_.commit()  # the failure counts although the page answers with an error
            error, status = exc.message, 401
        except TooManyRequests as exc:
            error, status = exc.message, 429
        else:
            sign_in(user)
            return redirect(next_url or url_for("auth.home"))
    return render_template("auth/login.html", next_url=next_url, username=username, error=error), status


@bp.post("/logout")
def logout():
    """End the page session."""
    sign_out()
    notify(msg("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (ends the other sessions and tokens of this user).

    Also where a user whose password an administrator set is held until they choose their own
    (web/access.py); `next` is the page they were going to.
    """
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/password.html", errors={}, next_url=next_url)
    user, session_ = current_user(), db()
    try:
        changed = auth_ops.change_password(
            session_, actor=user, current=request.form.get("current_password") or "",
            new=request.form.get("new_password") or "", confirm=request.form.get("confirm_password") or "")
    except ValidationFailed as exc:
        session_.commit()  # a wrong current password counts towards the throttle although the page refuses
        errors = translate_tree(exc.details.get("fields", {}), request_locale())
        return render_template("auth/password.html", errors=errors, next_url=next_url), 422
    except TooManyRequests as exc:
        errors = {"current_password": [translate(exc.message, request_locale())]}
        return render_template("auth/password.html", errors=errors, next_url=next_url), 429
    sign_in(changed, external=signed_in_externally())  # this session continues with the new token generation
    notify(msg("Đã đổi mật khẩu."), "success")
    return redirect(next_url or url_for("auth.home"))


@bp.post("/language")
def language():
    """Switch the pages' language (kept in the session, also before sign-in)."""
    chosen = request.form.get("locale")
    if chosen in SUPPORTED_LOCALES:
        session["locale"] = chosen
    return redirect(safe_next(request.form.get("next")) or url_for("auth.home"))
