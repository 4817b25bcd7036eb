"""Which attributes sandboxed code may read, per type, and the size-checked stand-ins of some methods.

An allow-list: any type not listed here (functions, generators, frames, modules, exceptions...) has
no readable attributes at all, which is what closes frame walks such as `gi_frame.f_back` even
without the underscore rule.
"""

from __future__ import annotations

import functools
import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from .calls import guarded_callable
from .errors import SandboxSecurityError
from .sizes import CHECK_FROM, SLOT, collection_bytes, item_bytes, need


class SafeNamespace(SimpleNamespace):
    """A module-like namespace whose public attributes sandboxed code may read (for helpers the engine exposes)."""


# ---- size-checked stand-ins for methods that can build far more than they are given ----


def _padded(method: str) -> Callable[..., Any]:
    def pad(text: str, width: int, *args: Any) -> Any:
        need(max(width, 0) * item_bytes(text), f"str.{method}()")
        return getattr(text, method)(width, *args)

    return pad


def _expandtabs(text: str, tabsize: int = 8) -> str:
    need((len(text) + text.count("\t") * max(tabsize, 0)) * item_bytes(text), "str.expandtabs()")
    return text.expandtabs(tabsize)


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    if isinstance(old, str) and isinstance(new, str):
        hits = (len(text) + 1) if old == "" else text.count(old)
        hits = min(hits, count) if count >= 0 else hits
        size = len(text) + hits * max(len(new) - len(old), 0)
        need(size * max(item_bytes(text), item_bytes(new)), "str.replace()")
    return text.replace(old, new, count)


def _join(separator: str, iterable: Any) -> str:
    parts = iterable if isinstance(iterable, (list, tuple)) else list(iterable)
    texts = [part for part in parts if isinstance(part, str)]
    kind = max([item_bytes(separator)] + [item_bytes(text) for text in texts])
    need((len(separator) * max(len(parts) - 1, 0) + sum(map(len, texts))) * kind, "str.join()")
    return separator.join(parts)


_STR_OBJECT = 52  # bytes of a short new str object


def _splitter(method: str) -> Callable[..., Any]:
    def split(text: str, *args: Any, **kwargs: Any) -> Any:
        separator = args[0] if args else kwargs.get("sep")
        if method != "splitlines" and isinstance(separator, str) and separator:
            parts = text.count(separator) + 1
        else:
            parts = len(text) // 3 + 1  # upper bound: two-character parts (one-character strings are shared)
        need(parts * (SLOT + _STR_OBJECT), f"str.{method}()")
        return getattr(text, method)(*args, **kwargs)

    return split


_STRFTIME_WIDTH = re.compile(r"%[-_0^#]*(\d+)")


def _strftime(value: date | time, fmt: str) -> str:
    widths = sum(int(width) for width in _STRFTIME_WIDTH.findall(fmt))
    need(len(fmt) * 16 + widths, "strftime()")
    return value.strftime(fmt)


def _extend(items: list, iterable: Any) -> None:
    added = collection_bytes(iterable)
    need(len(items) * SLOT + added, "list.extend()", added)
    items.extend(iterable)


def _copy(container: Any) -> Any:
    need(collection_bytes(container, SLOT if isinstance(container, list) else 4 * SLOT), "copy()")
    return container.copy()


def _fromkeys(owner: Any, iterable: Any, value: Any = None) -> dict:
    need(collection_bytes(iterable, 4 * SLOT), "dict.fromkeys()")
    return owner.fromkeys(iterable, value)


def _sort(items: list, *, key: Any = None, reverse: bool = False) -> None:
    items.sort(key=guarded_callable(key), reverse=reverse)


def _big_receiver(value: Any, name: str) -> Callable[..., Any]:
    """A method of a large str or set that returns a new one, possibly as large again: check first."""

    def call(*args: Any, **kwargs: Any) -> Any:
        need(
            len(value) * (item_bytes(value) if isinstance(value, str) else 4 * SLOT), f"{type(value).__name__}.{name}()"
        )
        return getattr(value, name)(*args, **kwargs)

    return call


# ---- the allow-lists ----

_Wrapper = Callable[..., Any] | None


def _public(kind: type, denied: set[str] = frozenset(), wrapped: dict[str, Callable[..., Any]] | None = None):
    names = {name: None for name in dir(kind) if not name.startswith("_") and name not in denied}
    names.update(wrapped or {})
    return names


_STR_WRAPPED = {name: _padded(name) for name in ("center", "ljust", "rjust")}
_STR_WRAPPED.update(zfill=_padded("zfill"), expandtabs=_expandtabs, replace=_replace, join=_join)
_STR_WRAPPED.update({name: _splitter(name) for name in ("split", "rsplit", "splitlines")})
_STR = _public(str, {"format", "format_map", "encode", "translate", "maketrans"}, _STR_WRAPPED)
_INT = _public(int, {"to_bytes", "from_bytes"})
_LIST = _public(list, wrapped={"extend": _extend, "copy": _copy, "sort": _sort})
_DICT = _public(dict, wrapped={"copy": _copy, "fromkeys": _fromkeys})
_TIME_WRAPPED = {"strftime": _strftime}

INSTANCE_ATTRIBUTES: dict[type, dict[str, _Wrapper]] = {
    str: _STR,
    int: _INT,
    bool: _INT,
    float: _public(float),
    list: _LIST,
    tuple: _public(tuple),
    dict: _DICT,
    OrderedDict: {**_public(OrderedDict), **_DICT},  # DMN results are OrderedDicts
    set: _public(set, wrapped={"copy": _copy}),
    frozenset: _public(frozenset, wrapped={"copy": _copy}),
    range: _public(range),
    date: _public(date, wrapped=_TIME_WRAPPED),
    datetime: _public(datetime, wrapped=_TIME_WRAPPED),
    time: _public(time, wrapped=_TIME_WRAPPED),
    timedelta: _public(timedelta),
    timezone: _public(timezone),
    Decimal: _public(Decimal, {"as_integer_ratio"}),
}

CLASS_ATTRIBUTES: dict[type, dict[str, _Wrapper]] = {
    datetime: dict.fromkeys(
        ("now", "today", "fromisoformat", "strptime", "combine", "fromtimestamp", "fromordinal", "min", "max")
    ),
    date: dict.fromkeys(("today", "fromisoformat", "fromordinal", "fromtimestamp", "fromisocalendar", "min", "max")),
    timedelta: dict.fromkeys(("min", "max", "resolution")),
    timezone: dict.fromkeys(("utc",)),
    Decimal: dict.fromkeys(("from_float",)),
    dict: {"fromkeys": _fromkeys},
}

_COPYING_SET_METHODS = frozenset({"union", "intersection", "difference", "symmetric_difference"})
_BIG_ITEMS = CHECK_FROM // SLOT


def guard_getattr(obj: Any, name: str) -> Any:
    """`obj.name` for sandboxed code: only allow-listed public attributes of known-safe types."""
    kind = type(obj)
    allowed = INSTANCE_ATTRIBUTES.get(kind)
    if allowed is None:
        if kind is type:
            allowed = CLASS_ATTRIBUTES.get(obj, {})
        elif kind is SafeNamespace and not name.startswith("_"):
            return getattr(obj, name)
    if allowed is None or name not in allowed:
        owner = obj.__name__ if kind is type else kind.__name__
        raise SandboxSecurityError(f"attribute '{name}' of {owner}", f"thuộc tính '{name}' của {owner}")
    wrapper = allowed[name]
    if wrapper is not None:
        return functools.partial(wrapper, obj)
    if (kind is str and len(obj) >= CHECK_FROM) or (
        name in _COPYING_SET_METHODS and (kind is set or kind is frozenset) and len(obj) >= _BIG_ITEMS
    ):
        value = getattr(obj, name)
        return _big_receiver(obj, name) if callable(value) else value
    return getattr(obj, name)
