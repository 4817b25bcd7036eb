"""Turning a set of marshmallow fields into a schema for one JSON object of a submission."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, cast

from marshmallow import EXCLUDE, RAISE, Schema, fields, pre_load
from marshmallow.types import UnknownOption

from service.forms.messages import message

UnknownPolicy = Literal["reject", "drop"]
_UNKNOWN: dict[str, UnknownOption] = {"reject": RAISE, "drop": EXCLUDE}


class SubmissionSchema(Schema):
    """Drops the keys the form shows but the user does not own (read-only, disabled, computed).

    They are silently ignored rather than refused: form-js submits read-only values along with the rest,
    and the server keeps the stored value anyway.
    """

    ignored_keys: frozenset[str] = frozenset()

    @pre_load
    def _drop_ignored(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and self.ignored_keys:
            return {key: value for key, value in data.items() if key not in self.ignored_keys}
        return data


def unknown_option(policy: str) -> UnknownOption:
    """Marshmallow's option for our policy name; anything but 'reject' or 'drop' is a caller bug."""
    if policy not in _UNKNOWN:
        raise ValueError(f"unknown must be 'reject' or 'drop', not {policy!r}")
    return _UNKNOWN[policy]


def object_schema(
    declared: dict[str, fields.Field[Any]],
    *,
    ignored: Iterable[str] = (),
    locale: str,
    unknown: str,
    name: str = "FormSchema",
) -> Schema:
    """A schema instance for one object with `declared` fields; `unknown` is 'reject' or 'drop'."""
    # Settings go on a base class and fields on a subclass, so that a form key such as "error_messages"
    # or "ignored_keys" becomes a field instead of clobbering a schema attribute.
    settings = {
        "ignored_keys": frozenset(ignored),
        "error_messages": {
            "type": message("not_object", locale),
            "unknown": message("unknown_field", locale),
        },
    }
    base = cast(type[SubmissionSchema], type(f"{name}Base", (SubmissionSchema,), settings))
    schema_class = cast(type[SubmissionSchema], base.from_dict(declared, name=name))
    return schema_class(unknown=unknown_option(unknown))


def nested_object(schema: Schema, *, required: bool, locale: str) -> fields.Nested:
    """A group with a path: an object that must be present when it holds a required field."""
    return fields.Nested(
        schema,
        required=required,
        allow_none=False,
        error_messages={
            "required": message("required", locale),
            "null": message("not_object", locale),
            "type": message("not_object", locale),
        },
    )


def list_of_objects(schema: Schema, *, locale: str) -> fields.List[Any]:
    """A dynamic list: rows that are objects of `schema`; absent or empty is fine."""
    return fields.List(
        fields.Nested(schema, error_messages={"type": message("not_object", locale)}),
        allow_none=False,
        error_messages={
            "invalid": message("not_list", locale),
            "null": message("not_list", locale),
        },
    )
