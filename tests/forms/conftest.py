"""Factory fixtures: submit data to a form built from a few components and see what comes back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.errors import ValidationFailed
from service.forms import FormDefinition, validate_submission

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def formjs_form():
    """Build a form-js FormDefinition from components."""

    def build(*components: dict[str, Any]) -> FormDefinition:
        return FormDefinition(
            type="form-js",
            schema={
                "type": "default",
                "schemaVersion": 18,
                "components": list(components),
            },
        )

    return build


@pytest.fixture
def accept():
    """Validate and return the cleaned data (fails the test on a ValidationFailed)."""

    def run(form: FormDefinition | None, data: Any, **options: Any) -> dict[str, Any]:
        return validate_submission(form, data, **options)

    return run


@pytest.fixture
def reject():
    """Validate, expect a ValidationFailed and return its `details["fields"]`."""

    def run(form: FormDefinition | None, data: Any, **options: Any) -> dict[str, list[str]]:
        with pytest.raises(ValidationFailed) as caught:
            validate_submission(form, data, **options)
        fields = caught.value.details["fields"]
        assert fields, "a ValidationFailed must name at least one field"
        return fields

    return run


@pytest.fixture
def nomination_form() -> FormDefinition:
    schema = json.loads((FIXTURES / "nomination_draft.form").read_text(encoding="utf-8"))
    return FormDefinition(type="form-js", schema=schema)
