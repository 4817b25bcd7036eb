"""Bounds on the numbers sandboxed code can hold, so no single arithmetic or conversion runs away in C.

Every integer the code can build stays within `max_int_bits` (literals are checked at compile time,
`+`, `-`, `*`, `**`, `<<` by the guards, `int(text, base)` here), so `//`, `%`, `str()` and `%d` on it
take milliseconds. Every Decimal stays within `DECIMAL_DIGITS` digits and exponents: the constructor is
checked here and arithmetic runs in a bounded context (`Emax`, 28 digits of precision, overflow
trapped), so `int(d)`, `'%d' % d` and `f'{d:f}'` build at most a few thousand characters. Without
these, `'%d' % Decimal('1e600000')` held the CPU for ~8 s in one C call, where no tick can stop it.
"""

from __future__ import annotations

import decimal
import math
import threading
from decimal import Decimal
from typing import Any

from .budget import current_budget

DECIMAL_DIGITS = 4300  # as sys.int_max_str_digits: digits and |exponent| of any Decimal the code holds
MAX_LITERAL_BITS = 65_536  # as SandboxLimits.max_int_bits; literals are checked before any limits apply

_TRAPS = [decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow]
_local = threading.local()


def bounded_context() -> decimal.Context:
    """This thread's Decimal context for sandboxed runs (one per thread: contexts record flags)."""
    context = getattr(_local, "context", None)
    if context is None:
        context = decimal.Context(prec=28, Emax=DECIMAL_DIGITS, Emin=-DECIMAL_DIGITS, traps=_TRAPS)
        _local.context = context
    return context


def refuse_decimal(value: Decimal) -> None:
    """Refuse a Decimal with more digits or a larger exponent than `DECIMAL_DIGITS` (finite ones only)."""
    if not value.is_finite():
        return
    digits = len(value.as_tuple().digits)
    if digits > DECIMAL_DIGITS or abs(value.adjusted()) > DECIMAL_DIGITS:
        current_budget().refuse_memory(
            f"Decimal of {digits} digits and exponent {value.adjusted()} (limit {DECIMAL_DIGITS} each)"
        )


def checked_decimal(*args: Any, **kwargs: Any) -> Decimal:
    """`Decimal(...)` for sandboxed code: exact, as Python's, but refused beyond the digit/exponent bounds."""
    value = Decimal(*args, **kwargs)
    refuse_decimal(value)
    return value


def check_int_bits(bits: int) -> None:
    budget = current_budget()
    if bits > budget.limits.max_int_bits:
        budget.refuse_memory(f"integer of about {bits} bits (limit {budget.limits.max_int_bits})")


def check_int_text(text: Any, base: Any) -> None:
    """`int(text, base)`: Python limits decimal text to 4,300 digits but not power-of-two bases."""
    if isinstance(text, (str, bytes, bytearray)) and isinstance(base, int):
        bits_per_digit = math.log2(base) if base >= 2 else 4.0  # base 0: at most hexadecimal
        check_int_bits(int(len(text) * bits_per_digit))


def check_decimal_arguments(value: Any) -> None:
    """Refuse oversized Decimals among `%` arguments (a tuple, a dict or one value): `%d` converts to int."""
    values = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else (value,)
    for item in values:
        if isinstance(item, Decimal):
            refuse_decimal(item)
