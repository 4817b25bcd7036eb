"""service/jsontext.py reads and writes what the standard library would, wherever orjson would differ."""

from __future__ import annotations

import enum
import json
import math
from collections import OrderedDict
from datetime import UTC, date, datetime

import pytest

from service import jsontext


class Colour(enum.IntEnum):
    RED = 1


class Level(enum.StrEnum):
    HIGH = "cao"


@pytest.mark.parametrize("value", [
    {"a": 1, "b": [1, 2.5, None, True, False], "c": {"d": "Đà Nẵng – khen thưởng"}},
    {"big": 2 ** 64, "bigger": -(2 ** 200), "edge": 2 ** 63 - 1, "low": -(2 ** 63)},
    {"nested": [[[[]]]], "empty": {}, "zero": -0.0, "tiny": 5e-324, "large": 1e300},
    {1: "int key", 2.5: "float key", False: "bool key", None: "null key"},
    OrderedDict([("z", 1), ("a", 2)]),
    {"enum": Colour.RED, "text_enum": Level.HIGH},
])
def test_what_is_written_reads_back_as_json_would_write_and_read_it(value):
    text = jsontext.dumps(value)
    assert json.loads(text) == json.loads(json.dumps(value))
    assert jsontext.loads(text) == json.loads(json.dumps(value))


def test_long_integers_are_read_exactly_where_orjson_would_read_a_float():
    for number in (2 ** 63, 2 ** 64, 2 ** 64 + 1, -(2 ** 63) - 1, 10 ** 40, 2 ** 1000):
        text = json.dumps({"n": number, "list": [number]})
        read = jsontext.loads(text)
        assert read == {"n": number, "list": [number]}
        assert isinstance(read["n"], int)
    # Digits in a string are only text: read either way, the same.
    assert jsontext.loads('{"phone": "0123456789012345678901"}') == {"phone": "0123456789012345678901"}


def test_bytes_and_memoryviews_read_as_text_does():
    text = '{"tên": "Nguyễn Văn A", "n": 12345678901234567890123}'
    expected = json.loads(text)
    assert jsontext.loads(text.encode()) == expected
    assert jsontext.loads(memoryview(text.encode())) == expected
    assert jsontext.loads(bytearray(text.encode())) == expected


def test_what_orjson_refuses_to_read_is_read_by_json():
    assert jsontext.loads('"\\ud800"') == "\ud800"  # a lone surrogate escape
    assert jsontext.loads("1e400") == float("inf")
    assert jsontext.loads('"\ud800"') == "\ud800"  # a str holding one (cannot be UTF-8 encoded)


def test_not_json_text_raises_as_json_raises():
    with pytest.raises(TypeError):
        jsontext.loads(3)  # type: ignore[arg-type] - SQLAlchemy's SQLite JSON relies on this TypeError
    with pytest.raises(ValueError):
        jsontext.loads("{not json")
    with pytest.raises(ValueError):
        jsontext.loads("NaN", parse_constant=_refuse)
    assert math.isnan(jsontext.loads("[NaN]")[0])  # json's default reads NaN


def _refuse(name):
    raise ValueError(name)


def test_values_json_refuses_are_still_refused():
    for value in ({"when": datetime(2026, 12, 4, tzinfo=UTC)}, {"day": date(2026, 12, 4)}, {"set": {1, 2}}):
        with pytest.raises(TypeError):
            jsontext.dumps(value)
    # ... unless a default converts them, as json's `default` does.
    assert jsontext.dumps({"day": date(2026, 12, 4)}, default=str) == '{"day":"2026-12-04"}'


def test_sorted_keys_and_compact_text():
    assert jsontext.dumps({"b": 1, "a": [1, 2]}, sort_keys=True) == '{"a":[1,2],"b":1}'
    assert jsontext.dumps({"b": 1, "a": 2}) == '{"b":1,"a":2}'
    assert jsontext.dumps({"big": 2 ** 70, "b": 1, "a": 2}, sort_keys=True) == json.dumps(
        {"big": 2 ** 70, "b": 1, "a": 2}, sort_keys=True, separators=(",", ":"))


def test_the_api_answers_with_flasks_own_formats(app):
    """Responses go through orjson; dates keep Flask's HTTP-date form and NaN stays refused on the way in."""
    with app.test_request_context():
        text = app.json.dumps({"on": date(2026, 12, 4), "n": 2 ** 70, "name": "Thành phố Đà Nẵng"},
                              separators=(",", ":"))
    assert json.loads(text) == {"on": "Fri, 04 Dec 2026 00:00:00 GMT", "n": 2 ** 70, "name": "Thành phố Đà Nẵng"}
    assert "Đà Nẵng" in text  # UTF-8, not \\u escapes
    with pytest.raises(ValueError):
        app.json.loads('{"x": NaN}')
    with pytest.raises(ValueError):
        app.json.loads('{"x": Infinity}')
    assert app.json.loads('{"x": 123456789012345678901234567890}') == {"x": 123456789012345678901234567890}
