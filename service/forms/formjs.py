"""Build a marshmallow schema from a form-js (bpmn.io) form, to check submitted task data on the server.

The browser runs the same checks, but anything can be POSTed; what the server cannot evaluate (FEEL
expressions in conditions, constraints and option sources) is relaxed rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, fields

from service.forms.definition import FormDefinitionError
from service.forms.fields import (
    AnyValue,
    Checkbox,
    Choice,
    ChoiceList,
    Number,
    Text,
    option_keys,
)
from service.forms.js_regex import compile_js_pattern
from service.forms.messages import DEFAULT_LOCALE, normalize_locale
from service.forms.objects import (
    list_of_objects,
    nested_object,
    object_schema,
    unknown_option,
)
from service.forms.temporal import IsoDate, IsoDateTime, IsoTime

# Components that show something but hold no value.
DISPLAY_TYPES = frozenset(
    {
        "text",
        "html",
        "spacer",
        "separator",
        "image",
        "iframe",
        "table",
        "documentPreview",
    }
)
# Components with a key whose value the user does not type: computed by FEEL or a button's name.
COMPUTED_TYPES = frozenset({"expression", "button"})
# Components whose value the server checks; each needs a key.
VALUE_TYPES = frozenset(
    {"textfield", "textarea", "number", "checkbox", "checklist", "radio", "select", "taglist", "datetime"}
)


@dataclass
class _Node:
    """One JSON object of the submission under construction."""

    children: dict[str, fields.Field[Any] | _Node | _ListNode] = field(default_factory=dict)
    ignored: set[str] = field(default_factory=set)


@dataclass
class _ListNode:
    item: _Node


def _is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _label(component: dict[str, Any]) -> str:
    return str(component.get("key") or component.get("path") or component.get("id") or "?")


def _number(validate: dict[str, Any], name: str, where: str) -> Decimal | None:
    raw = validate.get(name)
    if raw is None or raw == "" or _is_expression(raw):
        return None
    if isinstance(raw, bool):
        raise FormDefinitionError(f"{where}: {name} must be a number")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise FormDefinitionError(f"{where}: {name} must be a number, not {raw!r}") from None
    if not value.is_finite():
        raise FormDefinitionError(f"{where}: {name} must be finite")
    return value


def _length(validate: dict[str, Any], name: str, where: str) -> int | None:
    value = _number(validate, name, where)
    if value is None:
        return None
    if value < 0 or value != value.to_integral_value():
        raise FormDefinitionError(f"{where}: {name} must be a whole number >= 0")
    return int(value)


def _options(component: dict[str, Any]) -> frozenset[tuple[bool, Any]] | None:
    """Static options, or None when they come from process data or FEEL (any value is then accepted)."""
    if component.get("valuesKey") or component.get("valuesExpression"):
        return None
    values = component.get("values") or []
    if not isinstance(values, list):
        raise FormDefinitionError(f"{_label(component)}: values must be a list")
    return option_keys(item.get("value") for item in values if isinstance(item, dict))


class _FieldFactory:
    """Makes the marshmallow field for one value component, in one locale."""

    def __init__(self, locale: str):
        self.locale = locale

    def make(self, component: dict[str, Any], *, required: bool) -> fields.Field[Any]:
        kind = component["type"]
        where = _label(component)
        validate = component.get("validate") or {}  # its shape was checked by the caller
        common: dict[str, Any] = {"locale": self.locale, "required": required}
        if kind in ("textfield", "textarea"):
            return self._text(validate, where, common)
        if kind == "number":
            return self._number(component, validate, where, common)
        if kind == "checkbox":
            return Checkbox(must_be_true=required, **common)
        if kind in ("radio", "select"):
            return Choice(options=_options(component), **common)
        if kind in ("checklist", "taglist"):
            return ChoiceList(options=_options(component), **common)
        if kind == "datetime":
            return self._datetime(component, common)
        # Custom or newer keyed components (filepicker, ...): accept whatever JSON they produce.
        return AnyValue(**common)

    def _text(self, validate: dict[str, Any], where: str, common: dict[str, Any]) -> Text:
        pattern = validate.get("pattern")
        validation_type = validate.get("validationType")
        return Text(
            min_length=_length(validate, "minLength", where),
            max_length=_length(validate, "maxLength", where),
            pattern=(
                compile_js_pattern(pattern, where=where)
                if isinstance(pattern, str) and pattern and not _is_expression(pattern)
                else None
            ),
            validation_type=validation_type if validation_type in ("email", "phone") else None,
            **common,
        )

    def _number(
        self,
        component: dict[str, Any],
        validate: dict[str, Any],
        where: str,
        common: dict[str, Any],
    ) -> Number:
        digits = component.get("decimalDigits")
        if digits is not None and (not isinstance(digits, int) or isinstance(digits, bool) or digits < 0):
            raise FormDefinitionError(f"{where}: decimalDigits must be a whole number >= 0")
        increment = _number(component, "increment", where)
        if increment is not None and increment <= 0:
            raise FormDefinitionError(f"{where}: increment must be positive")
        return Number(
            minimum=_number(validate, "min", where),
            maximum=_number(validate, "max", where),
            decimal_digits=digits,
            increment=increment,
            as_string=component.get("serializeToString") is True,
            **common,
        )

    def _datetime(self, component: dict[str, Any], common: dict[str, Any]) -> fields.Field[Any]:
        subtype = component.get("subtype") or "date"
        disallow_past = component.get("disallowPassedDates") is True
        if subtype == "time":
            return IsoTime(**common)
        if subtype == "datetime":
            return IsoDateTime(disallow_past=disallow_past, **common)
        if subtype == "date":
            return IsoDate(disallow_past=disallow_past, **common)
        raise FormDefinitionError(f"{_label(component)}: unknown datetime subtype {subtype!r}")


def _segments(path: Any, where: str) -> list[str]:
    if not isinstance(path, str) or not path:
        raise FormDefinitionError(f"{where}: a key or path must be a non-empty string")
    parts = path.split(".")
    if any(not part for part in parts):
        raise FormDefinitionError(f"{where}: malformed path {path!r}")
    return parts


class _TreeBuilder:
    """Walks the components into a tree of objects, following keys, group paths and dynamic lists."""

    def __init__(self, locale: str):
        self.factory = _FieldFactory(locale)

    def add(self, components: Any, node: _Node, *, hideable: bool) -> None:
        if not isinstance(components, list):
            raise FormDefinitionError("components must be a list")
        for component in components:
            if not isinstance(component, dict) or not isinstance(component.get("type"), str):
                raise FormDefinitionError(f"every component needs a type: {component!r}")
            self._add_one(component, node, hideable=hideable)

    def _add_one(self, component: dict[str, Any], node: _Node, *, hideable: bool) -> None:
        kind = component["type"]
        where = _label(component)
        # A FEEL `conditional.hide` may drop the value in the browser; the server cannot tell when.
        conditional = component.get("conditional")
        hideable = hideable or (isinstance(conditional, dict) and bool(conditional.get("hide")))
        if kind == "group":
            path = component.get("path")
            target = self._descend(node, _segments(path, where)) if path else node
            self.add(component.get("components") or [], target, hideable=hideable)
        elif kind == "dynamiclist":
            item = _Node()
            self.add(component.get("components") or [], item, hideable=hideable)
            self._place(node, _segments(component.get("path"), where), _ListNode(item))
        elif kind in DISPLAY_TYPES or ("key" not in component and kind not in VALUE_TYPES):
            return
        elif kind in COMPUTED_TYPES or self._locked(component):
            self._ignore(node, _segments(component.get("key"), where))
        else:
            validate = component.get("validate") or {}
            if not isinstance(validate, dict):
                raise FormDefinitionError(f"{where}: validate must be an object")
            required = validate.get("required") is True and not hideable
            value_field = self.factory.make(component, required=required)
            self._place(node, _segments(component.get("key"), where), value_field)

    @staticmethod
    def _locked(component: dict[str, Any]) -> bool:
        # A FEEL readonly ("=...") cannot be decided here, so such fields stay validated input.
        return component.get("readonly") is True or component.get("disabled") is True

    def _descend(self, node: _Node, segments: list[str]) -> _Node:
        for segment in segments:
            child = node.children.get(segment)
            if child is None and segment not in node.ignored:
                child = node.children[segment] = _Node()
            if not isinstance(child, _Node):
                raise FormDefinitionError(f"path segment {segment!r} is both a value and a group")
            node = child
        return node

    def _place(self, node: _Node, segments: list[str], value: fields.Field[Any] | _ListNode) -> None:
        parent = self._descend(node, segments[:-1])
        name = segments[-1]
        if name in parent.children or name in parent.ignored:
            raise FormDefinitionError(f"key {'.'.join(segments)!r} is used more than once")
        parent.children[name] = value

    def _ignore(self, node: _Node, segments: list[str]) -> None:
        parent = self._descend(node, segments[:-1])
        if segments[-1] in parent.children:
            raise FormDefinitionError(f"key {'.'.join(segments)!r} is used more than once")
        parent.ignored.add(segments[-1])


def _compile(node: _Node, *, locale: str, unknown: str, name: str) -> tuple[Schema, bool]:
    """The schema for `node` and whether it holds any required value."""
    declared: dict[str, fields.Field[Any]] = {}
    holds_required = False
    for key, child in node.children.items():
        if isinstance(child, _Node):
            schema, required = _compile(child, locale=locale, unknown=unknown, name=f"{name}_{key}")
            declared[key] = nested_object(schema, required=required, locale=locale)
            holds_required = holds_required or required
        elif isinstance(child, _ListNode):
            schema, _ = _compile(child.item, locale=locale, unknown=unknown, name=f"{name}_{key}")
            declared[key] = list_of_objects(schema, locale=locale)
        else:
            declared[key] = child
            holds_required = holds_required or child.required
    schema = object_schema(declared, ignored=node.ignored, locale=locale, unknown=unknown, name=name)
    return schema, holds_required


def schema_from_formjs(form: dict[str, Any], *, unknown: str = "reject", locale: str = DEFAULT_LOCALE) -> Schema:
    """A marshmallow schema that loads a submission of the form-js `form` into cleaned data.

    `unknown="reject"` refuses keys the form does not own (they could overwrite process variables);
    `"drop"` discards them. Raises FormDefinitionError when the form itself is malformed.
    """
    unknown_option(unknown)
    if not isinstance(form, dict) or not isinstance(form.get("components"), list):
        raise FormDefinitionError("a form-js form is an object with a 'components' list")
    locale = normalize_locale(locale)
    root = _Node()
    _TreeBuilder(locale).add(form["components"], root, hideable=False)
    schema, _ = _compile(root, locale=locale, unknown=unknown, name="FormJs")
    return schema
