"""The web pages: server-rendered Jinja + htmx, on the same operations and predicates as the API.

Each area is a blueprint package with its templates beside it (service/web/<area>/); this module
wires what every page shares: languages (Flask-Babel over service/translations/), CSRF on every
state-changing request, the session cookie, error pages, the navigation and the formatting filters.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, g, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..http import optional_user
from ..http.errors import set_html_renderer
from ..http.locale import request_locale
from ..i18n.catalogue import TRANSLATIONS_DIR
from . import (
    access,
    admin,
    auth,
    dossiers,
    errors,
    exports,
    formatting,
    headers,
    inbox,
    instances,
    navigation,
    notifications,
    public,
    registers,
    rounds,
    tasks,
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
csrf = CSRFProtect()
# Carries the templates every page shares (layout, error pages); it has no routes of its own.
shared = Blueprint("web", __name__, template_folder="templates")


def install(app: Flask) -> None:
    """Register the web layer on `app` (after the HTTP plumbing)."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # A page session lasts as long as an API token (a working day by default).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=app.extensions["vinhdanh"].settings.token_max_age)
    app.session_interface = formatting.SecureWhenHttpsSessions()
    # The API authenticates by bearer token (no ambient credential to forge): CSRF is checked on
    # the pages only, for every unsafe method, whatever the view.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # the token lives as long as the session
    csrf.init_app(app)

    @app.before_request
    def _csrf():
        req = request._get_current_object()  # type: ignore[attr-defined] - before every request: one proxy hop
        if req.method in UNSAFE_METHODS and not req.path.startswith("/api/"):
            csrf.protect()

    # After CSRF: a held user's forged post is refused like anyone's, then everything leads to the password page.
    app.before_request(access.hold_for_password_change)

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        return errors.csrf_failed()

    Babel(app, locale_selector=request_locale, default_translation_directories=str(TRANSLATIONS_DIR))
    set_html_renderer(errors.render_error_page)
    formatting.install(app)

    @app.context_processor
    def _page_globals():
        return {"current_user": optional_user(), "current_locale": request_locale(),
                "password_held": g.get("password_held", False)}

    headers.install(app)
    navigation.install(app)
    app.register_blueprint(shared)
    app.register_blueprint(auth.bp)
    inbox.install(app)
    app.register_blueprint(tasks.bp)
    instances.install(app)
    admin.install(app)
    notifications.install(app)
    app.register_blueprint(exports.bp)
    public.install(app)
    dossiers.install(app)
    rounds.install(app)
    registers.install(app)
