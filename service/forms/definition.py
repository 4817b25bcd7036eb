"""What a task's form is: its kind, its raw schema and a content fingerprint used as a cache key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

FormType = Literal["form-js", "camunda-formdata", "none"]
FORM_TYPES: tuple[str, ...] = ("form-js", "camunda-formdata", "none")


class FormDefinitionError(ValueError):
    """The form itself is broken (bad key, bad regex, conflicting paths): a modelling error, not user input."""


def fingerprint_of(form_type: str, schema: Any) -> str:
    """A stable digest of the form's content, independent of key order."""
    if schema is None and form_type in _WITHOUT_SCHEMA:  # every task without a form asks for this one
        return _WITHOUT_SCHEMA[form_type]
    return _digest(form_type, schema)


def _digest(form_type: str, schema: Any) -> str:
    canonical = json.dumps(
        [form_type, schema],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_WITHOUT_SCHEMA = {form_type: _digest(form_type, None) for form_type in FORM_TYPES}


@dataclass(frozen=True)
class FormDefinition:
    """A task form as the API shows it: `{"type": ..., "schema": ...}`.

    Equality and hashing go by type and fingerprint, because the schema is a (mutable, unhashable) dict
    or list. Callers must not mutate `schema` after construction.
    """

    type: FormType
    schema: dict[str, Any] | list[dict[str, Any]] | None = field(default=None, compare=False)
    fingerprint: str = ""
    # The form key the diagram names when no such form is deployed: this form is then the generic
    # stand-in (its formData fields, or a data editor for type "none").
    missing_form_key: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.type not in FORM_TYPES:
            raise FormDefinitionError(f"unknown form type {self.type!r}; expected one of {FORM_TYPES}")
        if self.type == "form-js" and not isinstance(self.schema, dict):
            raise FormDefinitionError("a form-js form needs a JSON object schema")
        if self.type == "camunda-formdata" and not isinstance(self.schema, list):
            raise FormDefinitionError("a camunda-formdata form needs a list of fields")
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", fingerprint_of(self.type, self.schema))

    @classmethod
    def none(cls) -> FormDefinition:
        """A task without a form."""
        return cls(type="none", schema=None)

    @classmethod
    def from_json(cls, value: dict[str, Any] | None) -> FormDefinition:
        """Build from the API shape `{"type", "schema"}`; `None` means no form."""
        if value is None:
            return cls.none()
        return cls(type=value.get("type", "none"), schema=value.get("schema"))

    def to_json(self) -> dict[str, Any]:
        """The API shape `{"type", "schema"}`, plus `generic` and `missing_form_key` for a stand-in form."""
        body: dict[str, Any] = {"type": self.type, "schema": self.schema}
        if self.missing_form_key is not None:
            body.update(generic=True, missing_form_key=self.missing_form_key)
        return body
