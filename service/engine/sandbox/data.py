"""What a script may leave in task data: values that survive a JSON round trip unchanged.

The workflow state is stored as JSON (datetime and timedelta through SpiffWorkflow's registry), so
a set, a Decimal, a date or a generator left in the data would only fail later, far from the
script that made it. Dict keys must be strings: JSON would silently turn `{1: 'a'}` into `{'1': 'a'}`.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .errors import SandboxDataError, SandboxMemoryError
from .sizes import MAX_WALK

MAX_DEPTH = 100  # JSON encoders recurse; far deeper than any form data nests
MAX_INT_BITS = 14_000  # JSON writes an int in decimal, which Python refuses beyond 4,300 digits (~14,284 bits)

_SCALARS = (str, bool, int, type(None), datetime, timedelta)
_HINTS = {
    set: "list(...)",
    frozenset: "list(...)",
    Decimal: "str(...) or float(...)",
    date: "....isoformat()",
    range: "list(...)",
}


def _refuse(name: str, value: Any) -> SandboxDataError:
    kind = type(value).__name__
    hint = _HINTS.get(type(value))
    if isinstance(value, float):
        return SandboxDataError(
            f"variable '{name}' holds {value!r}, which cannot be stored in task data",
            f"Biến '{name}' chứa giá trị {value!r}, không lưu được vào dữ liệu của quy trình",
        )
    if isinstance(value, dict):
        return SandboxDataError(
            f"variable '{name}' holds a dict with non-string keys, which cannot be stored in task data",
            f"Biến '{name}' chứa dict có khóa không phải chuỗi, không lưu được vào dữ liệu của quy trình",
        )
    use_en = f"; convert it with {hint}" if hint else ""
    use_vi = f"; hãy chuyển đổi bằng {hint}" if hint else ""
    return SandboxDataError(
        f"variable '{name}' holds a {kind}, which cannot be stored in task data{use_en}",
        f"Biến '{name}' chứa giá trị kiểu {kind}, không lưu được vào dữ liệu của quy trình{use_vi}",
    )


def check_storable(data: dict[str, Any]) -> None:
    """Raise SandboxDataError naming the first top-level variable whose value JSON cannot hold."""
    visits = 0
    for name, value in data.items():
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            visits += 1
            if visits > MAX_WALK:
                raise SandboxMemoryError(
                    f"task data has more than {MAX_WALK} values",
                    f"Dữ liệu của quy trình có hơn {MAX_WALK} giá trị",
                )
            if isinstance(item, int) and item.bit_length() > MAX_INT_BITS:
                raise SandboxDataError(
                    f"variable '{name}' holds an integer of {item.bit_length()} bits, too long for task data",
                    f"Biến '{name}' chứa số nguyên {item.bit_length()} bit, quá dài để lưu vào dữ liệu của quy trình",
                )
            if isinstance(item, _SCALARS):  # a plain date is not a datetime: refused below
                continue
            if depth > MAX_DEPTH:
                raise SandboxDataError(
                    f"variable '{name}' nests deeper than {MAX_DEPTH} levels",
                    f"Biến '{name}' lồng nhau sâu hơn {MAX_DEPTH} cấp",
                )
            if isinstance(item, float):
                if not math.isfinite(item):
                    raise _refuse(name, item)
            elif isinstance(item, dict):
                if not all(isinstance(key, str) for key in item):
                    raise _refuse(name, item)
                stack.extend((child, depth + 1) for child in item.values())
            elif isinstance(item, (list, tuple)):
                stack.extend((child, depth + 1) for child in item)
            else:
                raise _refuse(name, item)
