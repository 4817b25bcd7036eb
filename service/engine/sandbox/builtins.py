"""The builtins sandboxed code sees: a short allow-list; every other builtin name refuses when called."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from .budget import current_budget
from .calls import guarded_callable, register_checked
from .errors import SandboxError, SandboxSecurityError, SandboxTimeout
from .numeric import check_int_text, checked_decimal, refuse_decimal
from .sizes import SLOT, collection_bytes, is_sequence, need, text_size

_MAX_ROUND_DIGITS = 400


class RefusedBuiltin:
    """Stands in for a builtin outside the allow-list, so the author gets a clear refusal, not a NameError.

    Task data still shadows it: a variable called `type` or `input` keeps working in expressions.
    """

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise SandboxSecurityError(f"builtin '{self.name}'", f"hàm có sẵn '{self.name}'")

    def __repr__(self) -> str:
        return f"<refused builtin {self.name!r}>"


def _ticking(iterable: Iterable[Any]) -> Iterable[Any]:
    """Pull items through a tick each, so C code consuming the iterator stays within the budget."""
    tick = current_budget().tick
    for item in iterable:
        tick()
        yield item


def _map(func: Any, *iterables: Any) -> Iterable[Any]:
    return _ticking(map(guarded_callable(func), *iterables))


def _filter(func: Any, iterable: Any) -> Iterable[Any]:
    return _ticking(filter(guarded_callable(func), iterable))


def _zip(*iterables: Any, strict: bool = False) -> Iterable[Any]:
    return _ticking(zip(*iterables, strict=strict))


def _enumerate(iterable: Any, start: int = 0) -> Iterable[Any]:
    return _ticking(enumerate(iterable, start))


def _range(*args: Any) -> range:
    result = range(*args)
    limit = current_budget().limits.max_range
    try:
        size = len(result)
    except OverflowError:
        size = limit + 1
    if size > limit:
        raise SandboxTimeout(
            f"range() of {size} items exceeds the limit of {limit} items",
            f"range() có {size} phần tử, vượt giới hạn {limit} phần tử",
        )
    return result


def _collector(kind: type, per_item: int) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        if args:
            need(collection_bytes(args[0], per_item), f"{kind.__name__}()")
        return kind(*args, **kwargs)

    return build


def _sorted(iterable: Any, /, *, key: Any = None, reverse: bool = False) -> list:
    need(collection_bytes(iterable, SLOT), "sorted()")
    return sorted(iterable, key=guarded_callable(key), reverse=reverse)


def _min_max(chooser: Any) -> Any:
    def choose(*args: Any, **kwargs: Any) -> Any:
        if "key" in kwargs:
            kwargs["key"] = guarded_callable(kwargs["key"])
        return chooser(*args, **kwargs)

    return choose


def _sum(iterable: Any, /, start: Any = 0) -> Any:
    if is_sequence(start):
        # sum() of lists/tuples concatenates over and over: size the result first.
        items = list(iterable)
        need((len(start) + sum(len(item) for item in items if is_sequence(item))) * SLOT, "sum()")
        iterable = items
    return sum(iterable, start)


def _str(*args: Any, **kwargs: Any) -> str:
    if len(args) == 1 and not kwargs:
        need(text_size(args[0]), "str()")
    return str(*args, **kwargs)


def _check_decimal_to_int(value: Any) -> None:
    if isinstance(value, Decimal):  # int(Decimal('1e999999')) takes ~20 s in C
        refuse_decimal(value)


def _int(*args: Any, **kwargs: Any) -> int:
    if args:
        _check_decimal_to_int(args[0])
        base = args[1] if len(args) > 1 else kwargs.get("base")
        if base is not None:
            check_int_text(args[0], base)
    return int(*args, **kwargs)


def _round(number: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        _check_decimal_to_int(number)
        return round(number)
    if isinstance(ndigits, int) and abs(ndigits) > _MAX_ROUND_DIGITS:
        raise SandboxSecurityError(f"round() to {ndigits} digits", f"round() đến {ndigits} chữ số")
    return round(number, ndigits)


def _isinstance(value: Any, classinfo: Any) -> bool:
    kinds = classinfo if isinstance(classinfo, tuple) else (classinfo,)
    for kind in kinds:
        if not (isinstance(kind, type) and _EXPOSED.get(kind.__name__) is kind):
            raise SandboxSecurityError("isinstance() with this type", "isinstance() với kiểu này")
    return isinstance(value, classinfo)


_IMPORTABLE_BY_C_CODE = frozenset({"_strptime", "time"})


def _import_for_c_code(name: str, *args: Any, **kwargs: Any) -> Any:
    """C code (datetime.strptime, strftime) imports through the caller's `__import__`.

    User code can never spell this name; only these already-loaded helper modules are handed out.
    """
    if name in _IMPORTABLE_BY_C_CODE and name in sys.modules:
        return sys.modules[name]
    raise SandboxSecurityError(f"import of '{name}'", f"import '{name}'")


_EXCEPTIONS = (
    Exception, ArithmeticError, LookupError, ValueError, TypeError, KeyError, IndexError, ZeroDivisionError,
    OverflowError, AssertionError, RuntimeError, AttributeError, NameError,
)  # fmt: skip

_EXPOSED: dict[str, Any] = {
    **{kind.__name__: kind for kind in (int, float, str, bool, list, dict, set, frozenset, tuple, range)},
    **{func.__name__: func for func in (len, min, max, sum, abs, round, sorted, reversed, any, all)},
    **{func.__name__: func for func in (enumerate, zip, map, filter, isinstance)},
    **{kind.__name__: kind for kind in (datetime, date, timedelta, timezone, Decimal)},
    **{kind.__name__: kind for kind in _EXCEPTIONS},
}

_CHECKED_VERSIONS = {
    range: _range,
    list: _collector(list, SLOT),
    tuple: _collector(tuple, SLOT),
    set: _collector(set, 4 * SLOT),
    frozenset: _collector(frozenset, 4 * SLOT),
    dict: _collector(dict, 6 * SLOT),
    sorted: _sorted,
    min: _min_max(min),
    max: _min_max(max),
    sum: _sum,
    str: _str,
    int: _int,
    round: _round,
    map: _map,
    filter: _filter,
    zip: _zip,
    enumerate: _enumerate,
    isinstance: _isinstance,
    Decimal: checked_decimal,
}
for _original, _checked in _CHECKED_VERSIONS.items():
    register_checked(_original, _checked)

SAFE_BUILTINS: dict[str, Any] = {
    name: RefusedBuiltin(name) for name in dir(builtins) if not name.startswith("_") and name not in _EXPOSED
}
SAFE_BUILTINS.update(_EXPOSED)
SAFE_BUILTINS["__import__"] = _import_for_c_code

# The exceptions sandboxed code must not be able to swallow with `except`.
UNCATCHABLE = (SandboxError, MemoryError)
