"""Runtime guards the compiler routes operators, slices, f-string fields and `except` bodies through.

Each predicts the size of what the operation is about to build and refuses before allocating;
the common small cases cost one or two type checks.
"""

from __future__ import annotations

import operator
import re
import sys
from collections.abc import Callable
from typing import Any

from .attributes import guard_getattr
from .builtins import UNCATCHABLE
from .calls import guard_call
from .errors import SandboxSecurityError
from .numeric import check_decimal_arguments, check_int_bits
from .sizes import SLOT, collection_bytes, is_sequence, item_bytes, need, repeat_bytes, text_size

_FAST_BITS = 4096  # integers up to this size are never worth a budget lookup
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")
_DIGITS = re.compile(r"\d+")


def _check_mul(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int):
        bits = a.bit_length() + b.bit_length()
        if bits > _FAST_BITS:
            check_int_bits(bits)
    elif isinstance(b, int) and is_sequence(a):
        need(repeat_bytes(a, b), f"{type(a).__name__} repeated {b} times")
    elif isinstance(a, int) and is_sequence(b):
        need(repeat_bytes(b, a), f"{type(b).__name__} repeated {a} times")


def _check_pow(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and (a > 1 or a < -1):
        bits = a.bit_length() * b
        if bits > _FAST_BITS:
            check_int_bits(bits)


def _check_lshift(a: Any, b: Any) -> None:
    if isinstance(a, int) and isinstance(b, int) and a and b > 0:
        bits = a.bit_length() + b
        if bits > _FAST_BITS:
            check_int_bits(bits)


def _check_sum_bits(a: Any, b: Any) -> None:
    """`a + b` or `a - b` of integers: one bit more than the larger, but repeated it passes any limit."""
    if isinstance(a, int) and isinstance(b, int):
        bits = max(a.bit_length(), b.bit_length()) + 1
        if bits > _FAST_BITS:
            check_int_bits(bits)


def _check_add(a: Any, b: Any) -> None:
    _check_sum_bits(a, b)
    if is_sequence(a) and is_sequence(b):
        kind = max(item_bytes(a), item_bytes(b))
        need((len(a) + len(b)) * kind, f"{type(a).__name__} concatenation", min(len(a), len(b)) * kind)


def _check_iadd(a: Any, b: Any) -> None:
    if isinstance(a, list):  # list += iterable extends in place: only the new items add up
        added = collection_bytes(b)
        need(len(a) * SLOT + added, "list +=", added)
    else:
        _check_add(a, b)


def _check_mod(a: Any, b: Any) -> None:
    if isinstance(a, bytes):
        a = a.decode("latin-1")
    if not isinstance(a, str):
        return
    widths = 0
    for width, precision in _PERCENT_FIELD.findall(a):
        if width == "*" or precision == "*":
            raise SandboxSecurityError("'*' width in % formatting", "độ rộng '*' trong định dạng %")
        widths += int(width or 0) + int(precision or 0)
    check_decimal_arguments(b)  # '%d' % Decimal('1e600000') converts to int in C for seconds
    need(len(a) + widths + text_size(b), "% formatting")


def _guarded(check: Callable[[Any, Any], None], op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guard(a: Any, b: Any) -> Any:
        check(a, b)
        return op(a, b)

    guard.__name__ = f"guard_{op.__name__}"
    return guard


def guard_slice(obj: Any, lower: Any, upper: Any, step: Any) -> Any:
    """`obj[lower:upper:step]`: size the copy first."""
    part = slice(lower, upper, step)
    if is_sequence(obj):
        need(len(range(*part.indices(len(obj)))) * item_bytes(obj), "slice")
    return obj[part]


class _SliceStore:
    """Stands in for a list in `x[i:j] = value`, sizing what the assignment adds before it happens.

    `x[:0] = x` doubles a list in one C call; repeated in straight-line code it passed no tick and
    took the server from 145 MB to 1.4 GB. Any assignment target works (`a, x[:0] = ...`, `for x[:0] in`).
    """

    __slots__ = ("target",)

    def __init__(self, target: list):
        self.target = target

    def __setitem__(self, key: Any, value: Any) -> None:
        added = collection_bytes(value)
        need(len(self.target) * SLOT + added, "slice assignment", added)
        self.target[key] = value


def guard_slice_target(obj: Any) -> Any:
    """The container of a slice assignment: a list is wrapped so the assignment is sized first."""
    return _SliceStore(obj) if isinstance(obj, list) else obj


def guard_unpack(value: Any) -> Any:
    """`*value` in a display or call, `**value` in a dict display: size the copy first."""
    need(collection_bytes(value, 2 * SLOT), "unpacking")
    return value


def guard_format(value: Any, conversion: int, spec: str | None) -> str:
    """One f-string field `{value!conversion:spec}` with its width and text size checked."""
    widths = sum(int(digits) for digits in _DIGITS.findall(spec)) if spec else 0
    need(text_size(value) * (6 if conversion == ord("a") else 1) + widths, "f-string")
    if conversion == ord("s"):
        value = str(value)
    elif conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    return format(value, spec or "")


def guard_reraise() -> None:
    """First statement of every `except` body: sandbox refusals pass through user handlers."""
    error = sys.exc_info()[1]
    if isinstance(error, UNCATCHABLE):
        raise error


# name: (check before `a op b`, op, check before `a op= b`, in-place op)
_CHECKS = {
    "add": (_check_add, operator.add, _check_iadd, operator.iadd),
    "sub": (_check_sum_bits, operator.sub, _check_sum_bits, operator.isub),
    "mul": (_check_mul, operator.mul, _check_mul, operator.imul),
    "pow": (_check_pow, operator.pow, _check_pow, operator.ipow),
    "lshift": (_check_lshift, operator.lshift, _check_lshift, operator.ilshift),
    "mod": (_check_mod, operator.mod, _check_mod, operator.imod),
}

STATIC_GUARDS: dict[str, Callable[..., Any]] = {
    "_sb_getattr": guard_getattr,
    "_sb_call": guard_call,
    "_sb_slice": guard_slice,
    "_sb_slice_target": guard_slice_target,
    "_sb_format": guard_format,
    "_sb_unpack": guard_unpack,
    "_sb_reraise": guard_reraise,
}
for _name, (_check, _op, _icheck, _iop) in _CHECKS.items():
    STATIC_GUARDS[f"_sb_{_name}"] = _guarded(_check, _op)
    STATIC_GUARDS[f"_sb_i{_name}"] = _guarded(_icheck, _iop)
