"""Calls made by sandboxed code: builtins that could allocate or loop without bound are swapped for checked versions.

The swap happens at call time (by identity of the callee), so `list`, `int`, `range`... stay the real
types for `isinstance`, and aliasing a builtin (`f = range; f(10**12)`) or passing it as a callback
(`map(range, ...)`, `sorted(key=int)`) cannot skip the check.
"""

from __future__ import annotations

from collections.abc import Callable
from types import GenericAlias
from typing import Any

_CHECKED: dict[int, Callable[..., Any]] = {}  # id(original) -> checked stand-in; originals live forever


def register_checked(original: Callable[..., Any], checked: Callable[..., Any]) -> None:
    _CHECKED[id(original)] = checked


def guarded_callable(func: Any) -> Any:
    """The checked stand-in of `func` if it has one, else `func` itself (None stays None)."""
    return _CHECKED.get(id(func), func)


def guard_call(func: Any, /, *args: Any, **kwargs: Any) -> Any:
    """`func(*args, **kwargs)` for sandboxed code."""
    if type(func) is GenericAlias:  # list[int](...) builds a plain list: check it as list(...)
        func = func.__origin__
    return _CHECKED.get(id(func), func)(*args, **kwargs)
