"""The request's language: the page's choice (session), else Accept-Language for the API; Vietnamese by default."""

from __future__ import annotations

from flask import has_request_context, request, session

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
    best = request.accept_languages.best_match(SUPPORTED_LOCALES)
    return best or DEFAULT_LOCALE
