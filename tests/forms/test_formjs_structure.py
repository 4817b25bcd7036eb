"""form-js structure: groups, paths, dynamic lists, unknown keys, read-only fields, broken forms."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from service.forms import FormDefinitionError, schema_from_formjs

UNKNOWN_VI = "Trường này không có trong biểu mẫu."
REQUIRED_VI = "Trường này là bắt buộc."


def text(key: str, **props):
    return {"type": "textfield", "key": key, **props}


def group(*components, path=None, **props):
    component = {
        "type": "group",
        "label": "Nhóm",
        "components": list(components),
        **props,
    }
    if path is not None:
        component["path"] = path
    return component


def dynamiclist(path: str, *components):
    return {
        "type": "dynamiclist",
        "path": path,
        "isRepeating": True,
        "components": list(components),
    }


def test_group_without_path_flattens_into_parent(formjs_form, accept, reject):
    form = formjs_form(group(text("a"), group(text("b"))))
    assert accept(form, {"a": "1", "b": "2"}) == {"a": "1", "b": "2"}
    assert reject(form, {"group": {"a": "1"}}) == {"group": [UNKNOWN_VI]}


def test_group_with_path_nests_its_fields(formjs_form, accept, reject):
    form = formjs_form(group(text("code", validate={"required": True}), path="unit"))
    assert accept(form, {"unit": {"code": "UB_HN"}}) == {"unit": {"code": "UB_HN"}}
    assert reject(form, {"unit": {}}) == {"unit.code": [REQUIRED_VI]}
    assert reject(form, {"code": "UB_HN"}) == {
        "code": [UNKNOWN_VI],
        "unit": [REQUIRED_VI],
    }


def test_nested_group_object_must_be_an_object(formjs_form, reject):
    form = formjs_form(group(text("code"), path="unit"))
    for bad in ("UB_HN", ["UB_HN"], None):
        assert reject(form, {"unit": bad}) == {"unit": ["Giá trị phải là một đối tượng."]}


def test_group_without_required_fields_may_be_absent(formjs_form, accept):
    form = formjs_form(group(text("code"), path="unit"))
    assert accept(form, {}) == {}


def test_dotted_group_paths_and_keys_nest_several_levels(formjs_form, accept, reject):
    form = formjs_form(
        group(text("address.street"), group(text("name"), path="head"), path="org.unit"),
        text("org.note"),
    )
    data = {
        "org": {
            "note": "n",
            "unit": {"address": {"street": "Tràng Tiền"}, "head": {"name": "B"}},
        }
    }
    assert accept(form, data) == data
    bad = {"org": {"unit": {"address": {"street": 5, "city": "HN"}}}}
    assert reject(form, bad) == {
        "org.unit.address.street": ["Giá trị phải là chuỗi ký tự."],
        "org.unit.address.city": [UNKNOWN_VI],
    }


def test_groups_sharing_a_path_share_an_object(formjs_form, accept):
    form = formjs_form(group(text("a"), path="p"), group(text("b"), path="p"))
    assert accept(form, {"p": {"a": "1", "b": "2"}}) == {"p": {"a": "1", "b": "2"}}


def test_dynamiclist_is_a_list_of_objects(formjs_form, accept, reject):
    form = formjs_form(
        dynamiclist(
            "nominees",
            text("full_name", validate={"required": True}),
            {"type": "number", "key": "age", "validate": {"min": 18}},
        )
    )
    rows = [{"full_name": "Nguyễn Văn A", "age": 40}, {"full_name": "Trần Thị B"}]
    assert accept(form, {"nominees": rows}) == {"nominees": rows}
    assert accept(form, {"nominees": []}) == {"nominees": []}
    assert accept(form, {}) == {}
    errors = reject(
        form,
        {"nominees": [{"full_name": "A", "age": 12}, {"age": "x", "extra": 1}, "B"]},
    )
    assert errors == {
        "nominees[0].age": ["Giá trị phải lớn hơn hoặc bằng 18."],
        "nominees[1].full_name": [REQUIRED_VI],
        "nominees[1].age": ["Giá trị phải là số."],
        "nominees[1].extra": [UNKNOWN_VI],
        "nominees[2]": ["Giá trị phải là một đối tượng."],
    }


def test_dynamiclist_refuses_non_lists(formjs_form, reject):
    form = formjs_form(dynamiclist("rows", text("a")))
    for bad in ({"a": "x"}, "x", None):
        assert reject(form, {"rows": bad}) == {"rows": ["Giá trị phải là một danh sách."]}


def test_nested_dynamiclists_and_groups_inside_rows(formjs_form, accept, reject):
    form = formjs_form(
        dynamiclist(
            "outer",
            group(text("title"), path="meta"),
            dynamiclist(
                "inner",
                {"type": "number", "key": "value", "validate": {"required": True}},
            ),
        )
    )
    data = {"outer": [{"meta": {"title": "x"}, "inner": [{"value": 1}, {"value": 2}]}]}
    assert accept(form, data) == data
    assert reject(form, {"outer": [{"inner": [{"value": 1}, {}]}]}) == {"outer[0].inner[1].value": [REQUIRED_VI]}


def test_unknown_keys_are_rejected_by_default_and_dropped_on_request(formjs_form, accept, reject):
    form = formjs_form(text("name"), dynamiclist("rows", text("a")))
    data = {"name": "x", "approved": True, "rows": [{"a": "1", "b": "2"}]}
    assert reject(form, data) == {"approved": [UNKNOWN_VI], "rows[0].b": [UNKNOWN_VI]}
    assert accept(form, data, unknown="drop") == {"name": "x", "rows": [{"a": "1"}]}


def test_unknown_policy_must_be_known():
    with pytest.raises(ValueError, match="reject"):
        schema_from_formjs({"components": []}, unknown="raise")


def test_readonly_and_disabled_fields_are_ignored_from_input(formjs_form, accept):
    form = formjs_form(
        text("code", readonly=True, validate={"required": True}),
        {"type": "number", "key": "score", "disabled": True},
        text("name"),
        group(text("id", readonly=True), text("label"), path="unit"),
        dynamiclist("rows", text("fixed", readonly=True), text("free")),
    )
    submitted = {
        "code": "TAMPERED",
        "score": "not even a number",
        "name": "A",
        "unit": {"id": "TAMPERED", "label": "L"},
        "rows": [{"fixed": "TAMPERED", "free": "f"}],
    }
    assert accept(form, submitted) == {
        "name": "A",
        "unit": {"label": "L"},
        "rows": [{"free": "f"}],
    }
    # Required does not apply to a field the user cannot edit.
    assert accept(form, {}) == {}


def test_feel_readonly_is_still_validated(formjs_form, reject):
    form = formjs_form({"type": "number", "key": "n", "readonly": "=locked"})
    assert reject(form, {"n": "x"}) == {"n": ["Giá trị phải là số."]}


def test_conditionally_hidden_fields_are_not_required(formjs_form, accept, reject):
    form = formjs_form(
        text("reason", validate={"required": True}, conditional={"hide": "=approved"}),
        group(
            text("x", validate={"required": True}),
            path="g",
            conditional={"hide": "=true"},
        ),
    )
    assert accept(form, {}) == {}
    # Types and constraints still hold when the value is sent.
    assert reject(form, {"reason": 1}) == {"reason": ["Giá trị phải là chuỗi ký tự."]}


@pytest.mark.parametrize(
    ("components", "fragment"),
    [
        ([text("a"), text("a")], "more than once"),
        ([text("a"), text("a.b")], "both a value and a group"),
        ([text("a.b"), text("a")], "more than once"),
        ([{"type": "expression", "key": "a"}, text("a")], "more than once"),
        ([dynamiclist("rows", text("x")), text("rows")], "more than once"),
        ([text("a..b")], "malformed path"),
        ([{"type": "dynamiclist", "components": []}], "non-empty string"),
        ([text("p", validate={"pattern": "(unclosed"})], "invalid validate.pattern"),
        ([text("p", validate={"minLength": -1})], "minLength"),
        ([{"type": "number", "key": "n", "increment": 0}], "increment"),
        ([{"type": "number", "key": "n", "decimalDigits": "two"}], "decimalDigits"),
        ([{"type": "number", "key": "n", "validate": {"min": "abc"}}], "min"),
        ([{"type": "datetime", "key": "d", "subtype": "week"}], "subtype"),
        ([{"key": "no_type"}], "type"),
        ([{"type": "textfield", "label": "no key"}], "non-empty string"),
        ([text("v", validate=["required"])], "validate must be an object"),
    ],
)
def test_broken_forms_raise_form_definition_error(components, fragment):
    with pytest.raises(FormDefinitionError, match=fragment):
        schema_from_formjs({"components": components})


def test_a_form_needs_a_components_list():
    with pytest.raises(FormDefinitionError):
        schema_from_formjs({"type": "default"})


def test_javascript_named_groups_are_translated(formjs_form, accept, reject):
    form = formjs_form(text("code", validate={"pattern": r"^(?<unit>[A-Z]+)-\d{2}$"}))
    assert accept(form, {"code": "UB-01"}) == {"code": "UB-01"}
    assert reject(form, {"code": "ub-01"}) == {"code": ["Không đúng định dạng."]}


def test_schema_from_formjs_loads_directly_in_english():
    schema = schema_from_formjs({"components": [text("a", validate={"required": True})]}, locale="en")
    assert schema.load({"a": "x"}) == {"a": "x"}
    with pytest.raises(ValidationError) as caught:
        schema.load({"b": 1})
    assert caught.value.messages == {  # marshmallow's own nested shape, before flattening
        "a": ["This field is required."],
        "b": ["This field is not part of the form."],
    }


def test_group_with_empty_path_flattens(formjs_form, accept):
    form = formjs_form(group(text("a"), path=""), text("b.c"))
    assert accept(form, {"a": "1", "b": {"c": "2"}}) == {"a": "1", "b": {"c": "2"}}
