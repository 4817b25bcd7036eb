"""The request's language: the page's choice (session), else Accept-Language for the API; Vietnamese by default."""

from __future__ import annotations

from flask import has_request_context, request, session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from ..i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES


def request_locale() -> str:
    if not has_request_context():
        return DEFAULT_LOCALE
    if not request.path.startswith("/api/"):
        chosen = session.get("locale")
        if chosen in SUPPORTED_LOCALES:
            return chosen
        return DEFAULT_LOCALE
    # The API follows Accept-Language, but only an explicit preference for English moves it off Vietnamese.
    # A client sends the same header on every request: its answer is kept rather than parsed again.
    header = request.environ.get("HTTP_ACCEPT_LANGUAGE", "")
    locale = _BY_HEADER.get(header)
    if locale is None:
        best = parse_accept_header(header, LanguageAccept).best_match(SUPPORTED_LOCALES)
        locale = best or DEFAULT_LOCALE
        if len(_BY_HEADER) >= _MAX_HEADERS:
            _BY_HEADER.clear()
        _BY_HEADER[header] = locale
    return locale


_MAX_HEADERS = 1024  # distinct Accept-Language values remembered (any client may send any)
_BY_HEADER: dict[str, str] = {}
