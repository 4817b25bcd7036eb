"""The one renderer for every task form: form-js schemas as they are; Camunda formData fields turned
into the equivalent form-js components (validation stays on the server, from the original fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...forms import FormDefinition


def _component(field: dict[str, Any]) -> dict[str, Any]:
    constraints = {c.get("name"): c.get("config") for c in field.get("validation") or []}
    validate: dict[str, Any] = {}
    if "required" in constraints:
        validate["required"] = True
    kind = field.get("type") or "string"
    component: dict[str, Any] = {"key": field["id"], "id": f"Field_{field['id']}",
                                 "label": field.get("label") or field["id"]}
    if kind == "long":
        component["type"] = "number"
        for name in ("min", "max"):
            if constraints.get(name) not in (None, ""):
                validate[name] = float(constraints[name])
    elif kind == "boolean":
        component["type"] = "checkbox"
    elif kind == "date":
        component.update(type="datetime", subtype="date", dateLabel=component.pop("label"))
    elif kind == "enum":
        component.update(type="select", values=[{"value": v.get("id"), "label": v.get("name") or v.get("id")}
                                                for v in field.get("values") or []])
    else:
        component["type"] = "textarea" if "reason" in str(field["id"]) else "textfield"
        for name, key in (("minlength", "minLength"), ("maxlength", "maxLength")):
            if constraints.get(name) not in (None, ""):
                validate[key] = int(constraints[name])
    if validate:
        component["validate"] = validate
    if field.get("default_value") not in (None, ""):
        component["defaultValue"] = field["default_value"]
    return component


def renderable_schema(form: FormDefinition) -> dict[str, Any] | None:
    """The form-js schema the page's form island renders; None for a task without a form."""
    if form.type == "form-js":
        return form.schema  # type: ignore[return-value]
    if form.type == "camunda-formdata":
        return {"type": "default", "id": "camunda_form_data", "schemaVersion": 16,
                "components": [_component(f) for f in form.schema or [] if isinstance(f, dict) and f.get("id")]}
    return None


_SOURCE = re.compile(r"^=?\s*([A-Za-z_]\w*)\s*$")


def _walk(components: Any) -> Iterator[dict[str, Any]]:
    for component in components or []:
        if isinstance(component, dict):
            yield component
            yield from _walk(component.get("components"))


def _shown_only(schema: dict[str, Any] | None) -> set[str]:
    """The data keys the form's tables show and none of its fields edits (form-js submits keyed fields only)."""
    components = list(_walk((schema or {}).get("components")))
    edited = {str(c.get(name)).split(".")[0] for c in components for name in ("key", "path") if c.get(name)}
    sources = {match.group(1) for c in components if c.get("type") == "table"
               and (match := _SOURCE.match(str(c.get("dataSource") or "")))}
    return sources - edited


def with_names(schema: dict[str, Any] | None, data: dict[str, Any], names: dict[str, dict[str, str]]
               ) -> dict[str, Any]:
    """`data` with the coded values in the rows its tables show (nominee kinds, award forms: `names`, column ->
    code -> name) replaced by their names; rows a field of the form edits keep their codes."""
    shown = dict(data)
    for key in _shown_only(schema):
        rows = data.get(key)
        if isinstance(rows, list):
            shown[key] = [{**row, **{column: by_code.get(row[column], row[column])
                                     for column, by_code in names.items() if isinstance(row.get(column), str)}}
                          if isinstance(row, dict) else row for row in rows]
    return shown
