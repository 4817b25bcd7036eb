"""Server-side validation of task submissions against the task's form (form-js, Camunda formData, none)."""

from service.forms.camunda_formdata import schema_from_formdata
from service.forms.definition import FormDefinition, FormDefinitionError
from service.forms.formjs import schema_from_formjs
from service.forms.merge import merge_submission
from service.forms.validation import validate_submission

__all__ = [
    "FormDefinition",
    "FormDefinitionError",
    "merge_submission",
    "schema_from_formdata",
    "schema_from_formjs",
    "validate_submission",
]
