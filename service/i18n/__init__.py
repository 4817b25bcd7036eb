"""Messages as catalogue entries: Vietnamese is the source language, English the second catalogue.

Operations raise errors with `msg("Không tìm thấy hồ sơ {id}.", id=...)`: a `Message` is a `str` holding
the Vietnamese text (so logs, stored reasons and tests read it as it is), and remembers its msgid and
parameters so that the edge can translate it into the request's language (`translate`). Templates use
Flask-Babel's `_()` over the same catalogue (service/translations/, compiled by `make`).
"""

from __future__ import annotations

from .catalogue import DEFAULT_LOCALE, SUPPORTED_LOCALES, Message, msg, translate, translate_tree, translations

__all__ = ["DEFAULT_LOCALE", "SUPPORTED_LOCALES", "Message", "msg", "translate", "translate_tree",
           "translations"]
