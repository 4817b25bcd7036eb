"""Fast dumping for the schemas of hot lists: the schema stays the one definition of a body.

marshmallow walks every field of every object through several layers of calls; an inbox page of
50 tasks spent more time there than in its SQL. `compiled_dump(schema)` reads the schema's fields
once and returns a plain function producing the same dict (tests/api/test_dumping.py compares them)
for the field kinds it knows; any other kind is refused at import, never dumped differently.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from marshmallow import Schema, fields


def _text(value: Any) -> Any:
    return None if value is None else str(value)


def _integer(value: Any) -> Any:
    return None if value is None else int(value)


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _mapping(value: Any) -> Any:
    return None if value is None else dict(value)


def _same(value: Any) -> Any:
    return value


def _plan(name: str, field: fields.Field) -> tuple[str, Callable[[Any], Any], Callable[[Any], Any]]:
    key = field.data_key or name
    if isinstance(field, fields.Function):
        return key, field.serialize_func, _same
    getter = attrgetter(field.attribute or name)
    if isinstance(field, fields.DateTime) and type(field) is fields.DateTime and field.format in (None, "iso"):
        return key, getter, _iso
    if type(field) is fields.String:
        return key, getter, _text
    if type(field) is fields.Integer and not field.as_string:
        return key, getter, _integer
    if type(field) is fields.Boolean:
        return key, getter, _same
    if type(field) is fields.Dict and field.key_field is None and field.value_field is None:
        return key, getter, _mapping
    raise TypeError(f"compiled_dump does not know field {name!r} ({type(field).__name__}); use the schema")


# How each conversion is written out in a generated dump function (`value`: the attribute's value).
_INLINE = {
    _text: "(None if (_v := {value}) is None else str(_v))",
    _integer: "(None if (_v := {value}) is None else int(_v))",
    _iso: "(None if (_v := {value}) is None else _v.isoformat())",
    _mapping: "(None if (_v := {value}) is None else dict(_v))",
    _same: "{value}",
}


def compiled_dump(schema: Schema) -> Callable[[Any], dict]:
    """A function dumping one object exactly as `schema.dump` would.

    Written out as one dict display for the schema's fields (attribute reads and conversions inline): a
    loop calling a getter and a converter per field cost twice as much on an inbox page of 50 tasks."""
    namespace: dict[str, Any] = {}
    items = []
    for index, (name, field) in enumerate(schema.dump_fields.items()):
        key, get, convert = _plan(name, field)
        path = None if isinstance(field, fields.Function) else (field.attribute or name)
        if path is not None and all(part.isidentifier() for part in path.split(".")):
            value = f"obj.{path}"
        else:
            namespace[f"_get{index}"] = get
            value = f"_get{index}(obj)"
        items.append(f"{key!r}: {_INLINE[convert].format(value=value)}")
    source = "def dump(obj):\n    return {" + ", ".join(items) + "}\n"
    exec(source, namespace)  # noqa: S102 - source built above from the schema's own fields
    return namespace["dump"]
