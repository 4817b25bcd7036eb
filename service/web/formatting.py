"""How values read on the pages: dd/mm/yyyy in Asia/Ho_Chi_Minh, 1.234.567,5 — per the page's language."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface

from ..http.locale import request_locale
from ..i18n import Message
from ..nomination.documents.labels import NOMINEE_KIND_LABELS

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(value: datetime) -> datetime:
    return value.astimezone(LOCAL_TZ) if value.tzinfo is not None else value


def local_date(value: date | datetime) -> date:
    """The day a moment falls on in Vietnam (a date stays as it is)."""
    return local(value).date() if isinstance(value, datetime) else value


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")


def format_number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    if value is None:
        return ""
    pattern = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale="vi" if request_locale() == "vi" else "en")


class SecureWhenHttpsSessions(SecureCookieSessionInterface):
    """The session cookie is marked Secure whenever the page is served over HTTPS (behind a proxy too,
    when ProxyFix tells the app so), without a setting to forget."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app: Flask, request):
        # The API authenticates by bearer token alone (service/http/install.py): its requests neither read
        # nor write the page session, so their cookies are not parsed and verified for it, and a write
        # by mistake fails loudly (NullSession) instead of setting a cookie on an API response.
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask):
        # Flask builds a new serializer on every request, cookie or not; it only depends on the keys.
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get("vinhdanh_session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["vinhdanh_session_serializer"] = cached
        return cached[1]


def _finalize(value):
    """Catalogue messages printed by a template come out in the page's language."""
    return value.in_locale(request_locale()) if isinstance(value, Message) else value


def install(app: Flask) -> None:
    app.jinja_env.filters.update(date=format_date, local_date=local_date, datetime=format_datetime,
                                 number=format_number)
    app.jinja_env.finalize = _finalize
    # Coded values every page names the same way (imported macros see the environment's globals only).
    app.jinja_env.globals.update(nominee_kind_labels=NOMINEE_KIND_LABELS)
