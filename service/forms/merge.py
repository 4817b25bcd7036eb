"""Merging cleaned form data into the task's existing data."""

from __future__ import annotations

from typing import Any


def merge_submission(existing: dict[str, Any], cleaned: dict[str, Any]) -> dict[str, Any]:
    """A new dict: `cleaned` laid over `existing`, recursing into objects.

    Validation drops read-only and disabled keys, also inside groups and dynamic-list rows, so a
    shallow update would lose the stored values of those keys. Lists take the submitted length; a
    submitted row that is an object is merged over the stored row at the same index (so a read-only
    column of an existing row survives).
    """
    merged = dict(existing)
    for key, value in cleaned.items():
        merged[key] = _merge_value(existing.get(key), value)
    return merged


def _merge_value(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        return merge_submission(old, new)
    if isinstance(old, list) and isinstance(new, list):
        return [
            _merge_value(old[index], item) if index < len(old) and isinstance(item, dict) else item
            for index, item in enumerate(new)
        ]
    return new
