"""The one-line notice at the top of the next page ("Đã lưu nháp", "Đã gửi hồ sơ")."""

from __future__ import annotations

from flask import flash

from ..http.locale import request_locale
from ..i18n import Message, translate


def notify(message: Message | str, category: str = "success") -> None:
    """Show `message` on the next page, in the page's language (categories: success, info, warning, error)."""
    flash(translate(message, request_locale()), category)
