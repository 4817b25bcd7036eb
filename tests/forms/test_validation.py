"""validate_submission: the entry point, no-form mode, locales, error shape and the schema cache."""

from __future__ import annotations

import json

import pytest

from service.errors import ValidationFailed
from service.forms import FormDefinition, FormDefinitionError, validate_submission
from service.forms.validation import flatten_errors, schema_cache

NAME_FORM = {"components": [{"type": "textfield", "key": "name", "validate": {"required": True}}]}


@pytest.mark.parametrize("data", [None, [], ["a"], "text", 5, True])
def test_data_that_is_not_an_object_is_a_schema_error(data, formjs_form):
    for form in (formjs_form(), None, FormDefinition.none()):
        with pytest.raises(ValidationFailed) as caught:
            validate_submission(form, data)
        assert caught.value.details == {"fields": {"_schema": ["Dữ liệu gửi lên phải là một đối tượng JSON."]}}
        assert caught.value.code == "validation_failed"
        assert caught.value.message == "Dữ liệu gửi lên không hợp lệ."


def test_english_messages_on_request(reject):
    form = FormDefinition(type="form-js", schema=NAME_FORM)
    assert reject(form, {"other": 1}, locale="en") == {
        "name": ["This field is required."],
        "other": ["This field is not part of the form."],
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_submission(form, [], locale="en-US")
    assert caught.value.message == "The submitted data is invalid."
    assert caught.value.details["fields"] == {"_schema": ["The submitted data must be a JSON object."]}


def test_unsupported_locale_falls_back_to_vietnamese(reject):
    form = FormDefinition(type="form-js", schema=NAME_FORM)
    assert reject(form, {}, locale="fr") == {"name": ["Trường này là bắt buộc."]}


def test_cleaned_data_is_json_ready_and_a_new_object(formjs_form):
    form = formjs_form(
        {"type": "number", "key": "n"},
        {"type": "datetime", "key": "d", "subtype": "date"},
        {
            "type": "group",
            "path": "g",
            "components": [{"type": "checkbox", "key": "ok"}],
        },
    )
    data = {"n": 1.5, "d": "2025-07-01", "g": {"ok": True}}
    cleaned = validate_submission(form, data)
    assert json.loads(json.dumps(cleaned)) == data
    assert cleaned is not data


# --- no form -------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [None, FormDefinition.none()])
def test_no_form_accepts_objects_with_identifier_keys(form, accept):
    data = {
        "approved": True,
        "comment": "Đồng ý",
        "score": 90,
        "nested": {"_any": [1, 2]},
    }
    assert accept(form, data) == data


@pytest.mark.parametrize("key", ["_internal", "1st", "has space", "a-b", "class", ""])
def test_no_form_refuses_keys_that_are_not_plain_identifiers(key, reject):
    assert list(reject(None, {key: 1, "fine": 2})) == [key]


def test_no_form_bounds_the_total_size(accept, reject):
    data = {"text": "x" * 100}
    assert accept(None, data, max_bytes=200) == data
    assert reject(None, data, max_bytes=50) == {"_schema": ["Dữ liệu quá lớn (tối đa 50 byte)."]}
    # Size is counted in UTF-8 bytes: Vietnamese letters take two or three each.
    assert reject(None, {"text": "ệ" * 30}, max_bytes=60) == {"_schema": ["Dữ liệu quá lớn (tối đa 60 byte)."]}


def test_no_form_refuses_values_that_are_not_json(reject):
    assert reject(None, {"x": float("nan")}) == {"_schema": ["Giá trị không phải dữ liệu JSON hợp lệ."]}
    assert reject(None, {"x": object()}) == {"_schema": ["Giá trị không phải dữ liệu JSON hợp lệ."]}


# --- FormDefinition ------------------------------------------------------------------------------


def test_fingerprint_is_stable_and_ignores_key_order():
    a = FormDefinition(type="form-js", schema={"components": [], "id": "x"})
    b = FormDefinition(type="form-js", schema={"id": "x", "components": []})
    c = FormDefinition(type="form-js", schema={"id": "y", "components": []})
    assert a.fingerprint == b.fingerprint != c.fingerprint
    assert a == b and hash(a) == hash(b) and a != c
    assert len(a.fingerprint) == 64


def test_form_definition_checks_its_shape():
    with pytest.raises(FormDefinitionError):
        FormDefinition(type="xml", schema={})
    with pytest.raises(FormDefinitionError):
        FormDefinition(type="form-js", schema=[])
    with pytest.raises(FormDefinitionError):
        FormDefinition(type="camunda-formdata", schema={})


def test_form_definition_json_round_trip():
    form = FormDefinition.from_json({"type": "form-js", "schema": NAME_FORM})
    assert form.to_json() == {"type": "form-js", "schema": NAME_FORM}
    assert FormDefinition.from_json(None).type == "none"


def test_frozen():
    form = FormDefinition.none()
    with pytest.raises(AttributeError):
        form.type = "form-js"  # type: ignore[misc]


# --- cache -----------------------------------------------------------------------------------------


def test_schemas_are_cached_per_fingerprint_locale_and_policy():
    schema_cache.clear()
    form = FormDefinition(type="form-js", schema=NAME_FORM)
    same = FormDefinition(type="form-js", schema=json.loads(json.dumps(NAME_FORM)))
    first = schema_cache.get(form, "vi", "reject")
    assert schema_cache.get(same, "vi", "reject") is first
    assert schema_cache.get(form, "en", "reject") is not first
    assert schema_cache.get(form, "vi", "drop") is not first
    assert len(schema_cache) == 3


def test_cache_is_bounded_and_evicts_least_recently_used(monkeypatch):
    schema_cache.clear()
    monkeypatch.setattr(schema_cache, "maxsize", 2)
    forms = [
        FormDefinition(
            type="form-js",
            schema={"components": [{"type": "textfield", "key": f"k{i}"}]},
        )
        for i in range(3)
    ]
    first = schema_cache.get(forms[0], "vi", "reject")
    schema_cache.get(forms[1], "vi", "reject")
    assert schema_cache.get(forms[0], "vi", "reject") is first  # refreshes forms[0]
    schema_cache.get(forms[2], "vi", "reject")  # evicts forms[1]
    assert len(schema_cache) == 2
    assert schema_cache.get(forms[0], "vi", "reject") is first
    schema_cache.clear()


def test_a_broken_form_raises_form_definition_error_not_validation_failed():
    form = FormDefinition(type="form-js", schema={"components": [{"type": "textfield", "key": ""}]})
    with pytest.raises(FormDefinitionError):
        validate_submission(form, {})


def test_camunda_formdata_through_the_entry_point(accept):
    form = FormDefinition(
        type="camunda-formdata",
        schema=[
            {
                "id": "d",
                "label": "D",
                "type": "date",
                "default_value": None,
                "values": [],
                "validation": [],
            }
        ],
    )
    assert accept(form, {"d": "02/09/2025"}) == {"d": "2025-09-02"}


# --- error flattening ---------------------------------------------------------------------------


def test_flatten_errors_paths():
    assert flatten_errors(
        {
            "a": ["x"],
            "g": {"b": ["y"], "_schema": ["z"]},
            "rows": {0: {"c": ["w"]}, 2: {"_schema": ["v"]}},
            "_schema": ["top"],
        }
    ) == {
        "a": ["x"],
        "g.b": ["y"],
        "g": ["z"],
        "rows[0].c": ["w"],
        "rows[2]": ["v"],
        "_schema": ["top"],
    }
