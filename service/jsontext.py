"""JSON text through orjson where it reads and writes what the standard library would, through `json` otherwise.

Every step writes the instance's state and data as JSON and every response is JSON: with the standard
library that was 6 % of a completion's CPU (callgrind, 20 × start + three completions in process: 692 → 649 M
instructions with orjson for the columns, the request bodies and the responses).

What orjson does differently falls back to `json`, so values read and written stay as they were:
- integers beyond 64 bits: orjson refuses to write them, and would read them as floats (task data may
  hold integers of up to 14,000 bits), so text with a run of 19 digits or more is read by `json`;
- anything but text (SQLite hands a JSON column's bare number over as a number) gets json's TypeError;
- subclasses of str, int, dict and list (enums, OrderedDict...), datetimes and dataclasses go to
  `default` (or are refused without one, as `json` refuses them);
- text orjson refuses to read (lone surrogates, numbers beyond a double) is read by `json`.
Not falling back: NaN and infinities, which `json` writes as invalid JSON and orjson as null. The service
stores none: request bodies refuse them (api/input_guard.py) and script results are checked
(engine/sandbox/data.py `check_storable`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = (orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS)
# An integer orjson could read wrongly has at least 19 digits (beyond 2**63 - 1 or below -2**63). Looked for
# as a run of zeros after mapping every digit to "0": two C-level passes, where a regular expression costs
# more than orjson's whole parse.
_LONG_RUN = b"0" * 19
_DIGITS_TO_ZERO = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))


def dumps(value: Any, *, default: Callable[[Any], Any] | None = None, sort_keys: bool = False) -> str:
    """Compact JSON text of `value` (no spaces, non-ASCII as UTF-8)."""
    try:
        return orjson.dumps(value, default=default,
                            option=_OPTIONS | orjson.OPT_SORT_KEYS if sort_keys else _OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value, default=default, sort_keys=sort_keys, ensure_ascii=False, separators=(",", ":"))


def loads(text: str | bytes | memoryview, *, parse_constant: Callable[[str], Any] | None = None) -> Any:
    """The value of JSON text, as `json.loads` reads it (`parse_constant` as json's: orjson reads no NaN)."""
    if isinstance(text, str):
        try:
            data = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: json reads it, orjson refuses
            return json.loads(text, parse_constant=parse_constant)
    elif isinstance(text, bytes | bytearray | memoryview):
        data = bytes(text)
    else:  # json's TypeError, which callers expect (SQLAlchemy's SQLite JSON reads a bare number so)
        return json.loads(text, parse_constant=parse_constant)  # type: ignore[arg-type]
    if _LONG_RUN not in data.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text if isinstance(text, str) else data, parse_constant=parse_constant)
