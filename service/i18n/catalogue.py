"""The message type and the gettext catalogues it is translated with."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

DEFAULT_LOCALE = "vi"
SUPPORTED_LOCALES = ("vi", "en")
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class Message(str):
    """A user-facing message: the Vietnamese text, plus what is needed to say it in another language."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = msgid.format(**params)  # literal braces are written {{ }}
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self):  # pickling (e.g. through exceptions crossing processes) keeps the msgid
        return (_rebuild, (self.msgid, self.params))

    def in_locale(self, locale: str) -> str:
        if locale == DEFAULT_LOCALE:
            return str(self)
        text = translations(locale).get(self.msgid) or self.msgid
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):  # a broken translation never hides the message
            return str(self)


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def msg(msgid: str, **params: Any) -> Message:
    """A catalogue message (the keyword `msg` is what `pybabel extract` collects from Python)."""
    return Message(msgid, **params)


def translate(text: Any, locale: str) -> Any:
    """`text` in `locale` when it is a catalogue message; other values unchanged."""
    return text.in_locale(locale) if isinstance(text, Message) else text


def translate_tree(value: Any, locale: str) -> Any:
    """Messages inside error details (field → [messages], problem lists) translated in place of a copy."""
    if locale == DEFAULT_LOCALE:
        return value
    if isinstance(value, Message):
        return value.in_locale(locale)
    if isinstance(value, dict):
        return {key: translate_tree(item, locale) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [translate_tree(item, locale) for item in value]
    return value


@functools.cache
def translations(locale: str) -> dict[str, str]:
    """msgid → text of `locale`'s catalogue: the compiled .mo (`make` compiles it), else the .po itself."""
    directory = TRANSLATIONS_DIR / locale / "LC_MESSAGES"
    mo, po = directory / "messages.mo", directory / "messages.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            catalog = read_mo(handle)
    elif po.exists():
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
    else:
        return {}
    return {message.id: message.string for message in catalog
            if isinstance(message.id, str) and message.id and message.string and not message.fuzzy}
