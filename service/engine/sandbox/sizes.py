"""Size predictions the guards make before an operation allocates."""

from __future__ import annotations

import operator
from decimal import Decimal

from .budget import COUNTED_ALLOCATION, current_budget

CHECK_FROM = COUNTED_ALLOCATION  # predicted sizes below this are never worth a budget lookup
SLOT = 8  # bytes per list/tuple slot
NEW_OBJECT = 32  # rough size of a small new object (an int, a short str) made per item
MAX_WALK = 1_000_000  # container nodes visited when predicting str() of nested data

_SEQUENCES = (str, list, tuple, bytes, bytearray)
_CONTAINERS = (list, tuple, dict, set, frozenset)


def need(nbytes: int, what: str = "result", growth: int | None = None) -> None:
    """Refuse (SandboxMemoryError) if building about `nbytes` (adding `growth`) does not fit the run's budget."""
    if nbytes >= CHECK_FROM:
        current_budget().check_alloc(nbytes, what, growth)


def item_bytes(seq: object) -> int:
    """Bytes one item of `seq` takes once repeated or copied."""
    if isinstance(seq, str):
        return 1 if seq.isascii() else 4
    if isinstance(seq, (bytes, bytearray)):
        return 1
    return SLOT


def is_sequence(value: object) -> bool:
    return isinstance(value, _SEQUENCES)


def repeat_bytes(seq: object, times: int) -> int:
    return len(seq) * max(times, 0) * item_bytes(seq)  # type: ignore[arg-type]


def collection_bytes(source: object, per_item: int = SLOT) -> int:
    """Predicted size of a list/set/dict built from `source` when its length is known, else 0."""
    try:
        count = len(source)  # type: ignore[arg-type]
    except (TypeError, OverflowError):
        try:  # reversed(x) and other sized iterators; a generator ticks as it is consumed
            count = operator.length_hint(source)
        except (TypeError, OverflowError, ValueError):
            return 0
    extra = NEW_OBJECT if isinstance(source, (range, str)) else 0  # new ints / one-char strings
    return count * (per_item + extra)


def text_size(value: object) -> int:
    """Rough length of str(value), walking nested containers without building the text.

    Shared references make nested data a DAG whose text can be exponentially longer than its memory
    ([x, x] nested 40 times); the walk counts every visit, so such values are refused too.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if isinstance(value, Decimal):
        return decimal_text_size(value)
    if not isinstance(value, _CONTAINERS):
        return 40
    total, visits, stack = 0, 0, [value]
    while stack:
        item = stack.pop()
        visits += 1
        if visits > MAX_WALK:
            current_budget().refuse_memory(f"text of a value with more than {MAX_WALK} parts")
        if isinstance(item, dict):
            total += 2 + 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, _CONTAINERS):
            total += 2 + 2 * len(item)
            stack.extend(item)
        elif isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, Decimal):
            total += decimal_text_size(item)
        else:
            total += 40
    return total


def decimal_text_size(value: Decimal) -> int:
    """Longest text of `value` in any format: fixed-point ('f') writes every digit and every zero of the exponent."""
    if not value.is_finite():
        return 10
    return len(value.as_tuple().digits) + abs(value.adjusted()) + 3
