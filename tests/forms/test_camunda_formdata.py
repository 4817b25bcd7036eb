"""Camunda 7 formData fields: each type, each constraint, the date formats."""

from __future__ import annotations

import pytest

from service.forms import FormDefinition, FormDefinitionError, schema_from_formdata

REQUIRED_VI = "Trường này là bắt buộc."


def formdata_field(field_id: str, kind: str = "string", *constraints, values=None, default=None):
    return {
        "id": field_id,
        "label": field_id.replace("_", " ").title(),
        "type": kind,
        "default_value": default,
        "values": values or [],
        "validation": [
            {"name": name, "config": config}
            for name, config in (c if isinstance(c, tuple) else (c, None) for c in constraints)
        ],
    }


def formdata(*fields) -> FormDefinition:
    return FormDefinition(type="camunda-formdata", schema=list(fields))


def test_string_type_and_length_constraints(accept, reject):
    form = formdata(formdata_field("name", "string", ("minlength", "2"), ("maxlength", "5")))
    assert accept(form, {"name": "Lan"}) == {"name": "Lan"}
    assert reject(form, {"name": "A"}) == {"name": ["Độ dài tối thiểu là 2 ký tự."]}
    assert reject(form, {"name": "Nguyễn"}) == {"name": ["Độ dài tối đa là 5 ký tự."]}
    assert reject(form, {"name": 12}) == {"name": ["Giá trị phải là chuỗi ký tự."]}


def test_required_string(accept, reject):
    form = formdata(formdata_field("name", "string", "required"))
    assert accept(form, {"name": "x"}) == {"name": "x"}
    assert reject(form, {}) == {"name": [REQUIRED_VI]}
    assert reject(form, {"name": None}) == {"name": [REQUIRED_VI]}
    assert reject(form, {"name": ""}) == {"name": [REQUIRED_VI]}


def test_long_type_with_min_and_max(accept, reject):
    form = formdata(formdata_field("score", "long", ("min", "0"), ("max", "100")))
    assert accept(form, {"score": 85}) == {"score": 85}
    assert accept(form, {"score": 85.0}) == {"score": 85}
    assert isinstance(accept(form, {"score": 85.0})["score"], int)
    assert reject(form, {"score": -5}) == {"score": ["Giá trị phải lớn hơn hoặc bằng 0."]}
    assert reject(form, {"score": 101}) == {"score": ["Giá trị phải nhỏ hơn hoặc bằng 100."]}
    assert reject(form, {"score": 1.5}) == {"score": ["Giá trị phải là số nguyên."]}
    assert reject(form, {"score": "85"}) == {"score": ["Giá trị phải là số."]}
    assert reject(form, {"score": True}) == {"score": ["Giá trị phải là số."]}


def test_long_is_bounded_like_a_java_long(accept, reject):
    form = formdata(formdata_field("n", "long"))
    assert accept(form, {"n": 2**63 - 1}) == {"n": 2**63 - 1}
    assert reject(form, {"n": 2**63}) == {"n": ["Giá trị phải nhỏ hơn hoặc bằng 9223372036854775807."]}


def test_boolean_type_required_accepts_false(accept, reject):
    form = formdata(formdata_field("agreed", "boolean", "required"))
    assert accept(form, {"agreed": False}) == {"agreed": False}
    assert reject(form, {"agreed": "false"}) == {"agreed": ["Giá trị phải là đúng hoặc sai (true/false)."]}
    assert reject(form, {}) == {"agreed": [REQUIRED_VI]}


@pytest.mark.parametrize(
    ("submitted", "iso"),
    [
        ("01/07/2025", "2025-07-01"),
        ("1/7/2025", "2025-07-01"),
        ("2025-07-01", "2025-07-01"),
        (" 31/12/2024 ", "2024-12-31"),
    ],
)
def test_date_accepts_camunda_and_iso_formats_and_normalises_to_iso(submitted, iso, accept):
    form = formdata(formdata_field("decided_on", "date"))
    assert accept(form, {"decided_on": submitted}) == {"decided_on": iso}


@pytest.mark.parametrize(
    "bad",
    [
        "31/02/2025",
        "2025/07/01",
        "07-01-2025",
        "01/07/25",
        "2025-07-01T00:00",
        20250701,
    ],
)
def test_date_refuses_other_formats(bad, reject):
    form = formdata(formdata_field("decided_on", "date"))
    assert reject(form, {"decided_on": bad}) == {
        "decided_on": ["Ngày không hợp lệ; cần dạng dd/MM/yyyy hoặc YYYY-MM-DD."]
    }


def test_date_min_and_max_take_camunda_dates(accept, reject):
    form = formdata(formdata_field("d", "date", ("min", "01/01/2025"), ("max", "2025-12-31")))
    assert accept(form, {"d": "15/06/2025"}) == {"d": "2025-06-15"}
    assert reject(form, {"d": "31/12/2024"}) == {"d": ["Giá trị phải lớn hơn hoặc bằng 01/01/2025."]}
    assert reject(form, {"d": "2026-01-01"}) == {"d": ["Giá trị phải nhỏ hơn hoặc bằng 31/12/2025."]}


def test_enum_type_checks_value_ids(accept, reject):
    values = [
        {"id": "collective", "name": "Tập thể"},
        {"id": "individual", "name": "Cá nhân"},
    ]
    form = formdata(formdata_field("kind", "enum", "required", values=values))
    assert accept(form, {"kind": "individual"}) == {"kind": "individual"}
    assert reject(form, {"kind": "Cá nhân"}) == {"kind": ["Giá trị không nằm trong danh sách cho phép."]}
    assert reject(form, {"kind": None}) == {"kind": [REQUIRED_VI]}


def test_custom_type_accepts_any_json(accept, reject):
    form = formdata(formdata_field("attachment", "file", "required"))
    assert accept(form, {"attachment": {"name": "a.pdf"}}) == {"attachment": {"name": "a.pdf"}}
    assert reject(form, {}) == {"attachment": [REQUIRED_VI]}


def test_readonly_fields_are_ignored_from_input(accept):
    form = formdata(
        formdata_field("case_no", "string", "readonly", "required"),
        formdata_field("note", "string"),
    )
    assert accept(form, {"case_no": "TAMPERED", "note": "x"}) == {"note": "x"}
    assert accept(form, {}) == {}


def test_unknown_keys_rejected_or_dropped(accept, reject):
    form = formdata(formdata_field("note"))
    assert reject(form, {"note": "x", "approved": True}) == {"approved": ["Trường này không có trong biểu mẫu."]}
    assert accept(form, {"note": "x", "approved": True}, unknown="drop") == {"note": "x"}


def test_custom_validators_are_skipped(accept):
    form = formdata(formdata_field("x", "string", ("validator", "org.example.MyValidator")))
    assert accept(form, {"x": "anything"}) == {"x": "anything"}


def test_type_defaults_to_string(accept, reject):
    field = formdata_field("x")
    del field["type"]
    assert reject(formdata(field), {"x": 1}) == {"x": ["Giá trị phải là chuỗi ký tự."]}


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ([formdata_field("a"), formdata_field("a")], "more than once"),
        ([{"label": "no id"}], "needs an id"),
        ([formdata_field("a", "string", ("maxlength", "ten"))], "maxlength"),
        ([formdata_field("a", "long", ("min", "zero"))], "min"),
        ([formdata_field("a", "date", ("max", "tomorrow"))], "max"),
        ([{"id": "a", "validation": [{"config": "1"}]}], "name"),
    ],
)
def test_broken_formdata_raises(fields, fragment):
    with pytest.raises(FormDefinitionError, match=fragment):
        schema_from_formdata(fields)
