"""Checks of form-js JSON files (.form / .json) in a bundle."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from service.engine.bundle.problems import ProblemCollector


def check_form(filename: str, data: bytes, collector: ProblemCollector) -> str | None:
    """Check one form-js file; return its top-level `id` (None if absent or the file is unusable)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        collector.add("form_invalid_json", filename, line=line, error=f"không phải UTF-8 (byte {exc.start})")
        return None
    try:
        form = json.loads(text)
    except json.JSONDecodeError as exc:
        collector.add("form_invalid_json", filename, line=exc.lineno, error=exc.msg)
        return None
    except RecursionError:
        collector.add("form_invalid_json", filename, line=None, error="lồng nhau quá sâu")
        return None
    if not isinstance(form, dict):
        collector.add("form_not_object", filename, line=1)
        return None
    form_id = form.get("id") if isinstance(form.get("id"), str) else None
    if form.get("type") != "default":
        collector.add(
            "form_wrong_type",
            filename,
            element_id=form_id,
            line=_top_level_line(text, "type") or 1,
            value=json.dumps(form.get("type"), ensure_ascii=False),
        )
    components = form.get("components")
    if not isinstance(components, list):
        collector.add("form_missing_components", filename, element_id=form_id, line=1)
        return form_id
    _check_components(filename, text, components, collector)
    return form_id


def _check_components(filename: str, text: str, components: list[Any], collector: ProblemCollector) -> None:
    """Walk components depth-first (document order) and report keys repeated within one data scope.

    form-js binds a field's value at `key`, inside the `path` of enclosing groups/dynamic lists, so the
    same key under different paths is legitimate.
    """
    seen_in_scope: set[tuple[str, str]] = set()
    sightings: Counter[str] = Counter()

    def walk(items: list[Any], scope: str) -> None:
        for index, component in enumerate(items, start=1):
            if not isinstance(component, dict):
                collector.add("form_component_not_object", filename, line=None, index=index)
                continue
            key = component.get("key")
            if isinstance(key, str) and key:
                sightings[key] += 1
                if (scope, key) in seen_in_scope:
                    line = _line_of(text, "key", key, sightings[key])
                    collector.add("form_duplicate_key", filename, element_id=key, line=line, key=key)
                seen_in_scope.add((scope, key))
            children = component.get("components")
            if isinstance(children, list):
                path = component.get("path")
                inner = f"{scope}.{path}" if isinstance(path, str) and path else scope
                walk(children, inner)

    walk(components, "")


def _line_of(text: str, name: str, value: str, occurrence: int) -> int | None:
    """Line of the n-th `"name": "value"` pair in the JSON text (best effort, for messages only)."""
    value_pattern = re.escape(json.dumps(value, ensure_ascii=False))
    pattern = re.compile(rf'"{re.escape(name)}"\s*:\s*{value_pattern}')
    for count, match in enumerate(pattern.finditer(text), start=1):
        if count == occurrence:
            return text.count("\n", 0, match.start()) + 1
    return None


def _top_level_line(text: str, name: str) -> int | None:
    """Line of the member `name` of the outermost JSON object (skipping nested objects and strings)."""
    depth = 0
    in_string = False
    escaped = False
    needle = f'"{name}"'
    for pos, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            if depth == 1 and text.startswith(needle, pos):
                return text.count("\n", 0, pos) + 1
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return None
