"""Build a marshmallow schema from Camunda 7 `camunda:formData` fields (already parsed into dicts).

Each field is `{"id", "label", "type", "default_value", "values": [{"id", "name"}],
"validation": [{"name", "config"}]}`. Custom Java validators cannot run here and are skipped.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, fields

from service.forms.definition import FormDefinitionError
from service.forms.fields import AnyValue, Checkbox, Choice, Number, Text, option_keys
from service.forms.messages import DEFAULT_LOCALE, normalize_locale
from service.forms.objects import object_schema, unknown_option
from service.forms.temporal import CamundaDate, parse_camunda_date

# A Camunda `long` is a Java long.
JAVA_LONG_MIN = Decimal(-(2**63))
JAVA_LONG_MAX = Decimal(2**63 - 1)
# Constraints that make the user's value irrelevant: the stored value is kept.
LOCKING_CONSTRAINTS = frozenset({"readonly", "disabled"})


def _constraints(field_def: dict[str, Any], where: str) -> dict[str, str | None]:
    constraints: dict[str, str | None] = {}
    for item in field_def.get("validation") or []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise FormDefinitionError(f"{where}: each validation needs a name")
        config = item.get("config")
        constraints[item["name"].lower()] = None if config is None else str(config).strip()
    return constraints


def _whole(config: str | None, name: str, where: str) -> int | None:
    if config is None or config == "":
        return None
    try:
        value = int(config)
    except ValueError:
        raise FormDefinitionError(f"{where}: {name} needs a whole number, not {config!r}") from None
    if value < 0:
        raise FormDefinitionError(f"{where}: {name} must be >= 0")
    return value


def _decimal(config: str | None, name: str, where: str) -> Decimal | None:
    if config is None or config == "":
        return None
    try:
        value = Decimal(config)
    except InvalidOperation:
        raise FormDefinitionError(f"{where}: {name} needs a number, not {config!r}") from None
    if not value.is_finite():
        raise FormDefinitionError(f"{where}: {name} must be finite")
    return value


def _date_bound(config: str | None, name: str, where: str) -> Any:
    if config is None or config == "":
        return None
    bound = parse_camunda_date(config)
    if bound is None:
        raise FormDefinitionError(f"{where}: {name} needs a date (dd/MM/yyyy), not {config!r}")
    return bound


def _field(field_def: dict[str, Any], constraints: dict[str, str | None], locale: str) -> fields.Field[Any]:
    kind = field_def.get("type") or "string"
    where = str(field_def["id"])
    common: dict[str, Any] = {"locale": locale, "required": "required" in constraints}
    if kind == "string":
        return Text(
            min_length=_whole(constraints.get("minlength"), "minlength", where),
            max_length=_whole(constraints.get("maxlength"), "maxlength", where),
            **common,
        )
    if kind == "long":
        minimum = _decimal(constraints.get("min"), "min", where)
        maximum = _decimal(constraints.get("max"), "max", where)
        return Number(
            minimum=JAVA_LONG_MIN if minimum is None else max(minimum, JAVA_LONG_MIN),
            maximum=JAVA_LONG_MAX if maximum is None else min(maximum, JAVA_LONG_MAX),
            integer_only=True,
            **common,
        )
    if kind == "boolean":
        # The engine's "required" only asks for a value; false is a value.
        return Checkbox(**common)
    if kind == "date":
        return CamundaDate(
            minimum=_date_bound(constraints.get("min"), "min", where),
            maximum=_date_bound(constraints.get("max"), "max", where),
            **common,
        )
    if kind == "enum":
        values = field_def.get("values") or []
        if not isinstance(values, list):
            raise FormDefinitionError(f"{where}: values must be a list")
        return Choice(
            options=option_keys(v.get("id") for v in values if isinstance(v, dict)),
            **common,
        )
    # Custom form field types are rendered by plugins the server does not know.
    return AnyValue(**common)


def schema_from_formdata(
    fields_defs: list[dict[str, Any]],
    *,
    unknown: str = "reject",
    locale: str = DEFAULT_LOCALE,
) -> Schema:
    """A marshmallow schema that loads a submission of a Camunda 7 formData form into cleaned data.

    Dates come back as ISO 'YYYY-MM-DD'. Read-only fields are dropped from the input. Raises
    FormDefinitionError when a field definition is malformed.
    """
    unknown_option(unknown)
    if not isinstance(fields_defs, list):
        raise FormDefinitionError("camunda formData is a list of fields")
    locale = normalize_locale(locale)
    declared: dict[str, fields.Field[Any]] = {}
    ignored: set[str] = set()
    for field_def in fields_defs:
        if not isinstance(field_def, dict) or not isinstance(field_def.get("id"), str) or not field_def["id"]:
            raise FormDefinitionError(f"every formData field needs an id: {field_def!r}")
        field_id = field_def["id"]
        if field_id in declared or field_id in ignored:
            raise FormDefinitionError(f"formData field id {field_id!r} is used more than once")
        constraints = _constraints(field_def, field_id)
        if LOCKING_CONSTRAINTS & constraints.keys():
            ignored.add(field_id)
        else:
            declared[field_id] = _field(field_def, constraints, locale)
    return object_schema(
        declared,
        ignored=ignored,
        locale=locale,
        unknown=unknown,
        name="CamundaFormData",
    )
