"""form-js value components: types, validation props and option membership."""

from __future__ import annotations

import pytest

REQUIRED_VI = "Trường này là bắt buộc."


def field(kind: str, key: str = "f", **props):
    return {"type": kind, "key": key, "id": f"Field_{key}", **props}


# --- textfield / textarea ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["textfield", "textarea"])
def test_text_accepts_string_and_keeps_it(kind, formjs_form, accept):
    form = formjs_form(field(kind))
    assert accept(form, {"f": " Nguyễn Văn A "}) == {"f": " Nguyễn Văn A "}


@pytest.mark.parametrize("kind", ["textfield", "textarea"])
@pytest.mark.parametrize("bad", [5, 1.5, True, ["a"], {"a": 1}])
def test_text_refuses_non_strings(kind, bad, formjs_form, reject):
    form = formjs_form(field(kind))
    assert reject(form, {"f": bad}) == {"f": ["Giá trị phải là chuỗi ký tự."]}


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_required_text_refuses_empty_values(empty, formjs_form, reject):
    form = formjs_form(field("textfield", validate={"required": True}))
    assert reject(form, {"f": empty}) == {"f": [REQUIRED_VI]}


def test_required_text_refuses_a_missing_key(formjs_form, reject):
    form = formjs_form(field("textfield", validate={"required": True}))
    assert reject(form, {}) == {"f": [REQUIRED_VI]}


def test_optional_text_may_be_empty_null_or_missing(formjs_form, accept):
    form = formjs_form(field("textfield", validate={"minLength": 3}))
    assert accept(form, {"f": ""}) == {"f": ""}
    assert accept(form, {"f": None}) == {"f": None}
    assert accept(form, {}) == {}


def test_min_and_max_length_count_characters_without_surrounding_blanks(formjs_form, accept, reject):
    form = formjs_form(field("textfield", validate={"minLength": 3, "maxLength": 5}))
    assert accept(form, {"f": "  Huế   "}) == {"f": "  Huế   "}
    assert reject(form, {"f": " ab  "}) == {"f": ["Độ dài tối thiểu là 3 ký tự."]}
    assert reject(form, {"f": "abcdef"}) == {"f": ["Độ dài tối đa là 5 ký tự."]}


def test_pattern_uses_javascript_search_semantics(formjs_form, accept, reject):
    form = formjs_form(field("textfield", validate={"pattern": "C-[0-9]+"}))
    assert accept(form, {"f": "invoice C-123"}) == {"f": "invoice C-123"}
    assert reject(form, {"f": "C-abc"}) == {"f": ["Không đúng định dạng."]}


def test_anchored_pattern_does_not_accept_a_trailing_newline(formjs_form, reject):
    form = formjs_form(field("textfield", validate={"pattern": "^[0-9]+$"}))
    assert reject(form, {"f": "123\n"}) == {"f": ["Không đúng định dạng."]}


def test_several_text_problems_are_all_reported(formjs_form, reject):
    form = formjs_form(field("textfield", validate={"minLength": 5, "pattern": "^[A-Z]+$"}))
    assert reject(form, {"f": "ab"}) == {"f": ["Độ dài tối thiểu là 5 ký tự.", "Không đúng định dạng."]}


@pytest.mark.parametrize("good", ["a@b.vn", "nguyen.van-a+tdkt@hanoi.gov.vn"])
def test_email_validation_type_accepts_addresses(good, formjs_form, accept):
    form = formjs_form(field("textfield", validate={"validationType": "email"}))
    assert accept(form, {"f": good}) == {"f": good}


@pytest.mark.parametrize("bad", ["a@b", "not an email", "@hanoi.gov.vn", "a b@c.vn"])
def test_email_validation_type_refuses_non_addresses(bad, formjs_form, reject):
    form = formjs_form(field("textfield", validate={"validationType": "email"}))
    assert reject(form, {"f": bad}) == {"f": ["Địa chỉ email không hợp lệ."]}


@pytest.mark.parametrize("good", ["0912345678", "+84 912 345 678", "(024) 3825-3536", "0084912345678"])
def test_phone_validation_type_accepts_local_and_international_numbers(good, formjs_form, accept):
    form = formjs_form(field("textfield", validate={"validationType": "phone"}))
    assert accept(form, {"f": good}) == {"f": good}


@pytest.mark.parametrize("bad", ["12345", "0912-abc-678", "+84 912 345 678 123 456 7"])
def test_phone_validation_type_refuses_non_numbers(bad, formjs_form, reject):
    form = formjs_form(field("textfield", validate={"validationType": "phone"}))
    assert reject(form, {"f": bad}) == {"f": ["Số điện thoại không hợp lệ."]}


# --- number -----------------------------------------------------------------------------------


def test_number_keeps_ints_and_floats(formjs_form, accept):
    form = formjs_form(field("number"))
    assert accept(form, {"f": 7}) == {"f": 7}
    cleaned = accept(form, {"f": 7.25})
    assert cleaned == {"f": 7.25} and isinstance(cleaned["f"], float)
    assert isinstance(accept(form, {"f": 7})["f"], int)


@pytest.mark.parametrize("bad", ["5", "abc", True, [5], {"v": 5}])
def test_number_refuses_strings_booleans_and_containers(bad, formjs_form, reject):
    form = formjs_form(field("number"))
    assert reject(form, {"f": bad}) == {"f": ["Giá trị phải là số."]}


def test_number_refuses_non_finite_floats(formjs_form, reject):
    form = formjs_form(field("number"))
    assert reject(form, {"f": float("nan")}) == {"f": ["Giá trị phải là số."]}
    assert reject(form, {"f": float("inf")}) == {"f": ["Giá trị phải là số."]}


def test_number_min_and_max(formjs_form, accept, reject):
    form = formjs_form(field("number", validate={"min": 0, "max": 100}))
    assert accept(form, {"f": 0}) == {"f": 0}
    assert accept(form, {"f": 100}) == {"f": 100}
    assert reject(form, {"f": -1}) == {"f": ["Giá trị phải lớn hơn hoặc bằng 0."]}
    assert reject(form, {"f": 100.5}) == {"f": ["Giá trị phải nhỏ hơn hoặc bằng 100."]}


def test_number_empty_string_is_no_value_unless_required(formjs_form, accept, reject):
    assert accept(formjs_form(field("number")), {"f": ""}) == {"f": None}
    required = formjs_form(field("number", validate={"required": True}))
    assert reject(required, {"f": ""}) == {"f": [REQUIRED_VI]}
    assert reject(required, {"f": None}) == {"f": [REQUIRED_VI]}
    assert accept(required, {"f": 0}) == {"f": 0}


def test_number_decimal_digits(formjs_form, accept, reject):
    form = formjs_form(field("number", decimalDigits=2))
    assert accept(form, {"f": 85.25}) == {"f": 85.25}
    assert reject(form, {"f": 85.125}) == {"f": ["Giá trị chỉ được có tối đa 2 chữ số thập phân."]}


def test_number_zero_decimal_digits_means_whole_numbers(formjs_form, accept, reject):
    form = formjs_form(field("number", decimalDigits=0))
    assert accept(form, {"f": 3}) == {"f": 3}
    assert accept(form, {"f": 3.0}) == {"f": 3.0}
    assert reject(form, {"f": 3.5}) == {"f": ["Giá trị phải là số nguyên."]}


def test_number_increment_names_the_nearest_valid_values(formjs_form, accept, reject):
    form = formjs_form(field("number", increment="0.5"))
    assert accept(form, {"f": 2.5}) == {"f": 2.5}
    assert accept(form, {"f": -3}) == {"f": -3}
    assert reject(form, {"f": 2.3}) == {
        "f": ["Giá trị phải là bội số của 0.5; hai giá trị hợp lệ gần nhất là 2 và 2.5."]
    }


def test_number_increment_works_for_huge_values(formjs_form, accept, reject):
    form = formjs_form(field("number", increment=0.01))
    assert accept(form, {"f": 1e30}) == {"f": 1e30}
    assert "bội số" in reject(form, {"f": 0.015})["f"][0]


def test_serialize_to_string_numbers_accept_numeric_strings_and_keep_them(formjs_form, accept, reject):
    form = formjs_form(field("number", serializeToString=True, validate={"max": 10}))
    assert accept(form, {"f": "9.999999999999999999"}) == {"f": "9.999999999999999999"}
    assert accept(form, {"f": 3}) == {"f": "3"}
    assert reject(form, {"f": "abc"}) == {"f": ["Giá trị phải là số."]}
    assert reject(form, {"f": "NaN"}) == {"f": ["Giá trị phải là số."]}
    assert reject(form, {"f": "10.0001"}) == {"f": ["Giá trị phải nhỏ hơn hoặc bằng 10."]}


def test_feel_expression_constraints_are_left_to_the_browser(formjs_form, accept):
    form = formjs_form(
        field("number", "n", validate={"min": "=minimum", "max": "=maximum"}),
        field("textfield", "t", validate={"minLength": "=lo", "pattern": "=p"}),
    )
    assert accept(form, {"n": -1e9, "t": "x"}) == {"n": -1e9, "t": "x"}


# --- checkbox ---------------------------------------------------------------------------------


def test_checkbox_takes_booleans_only(formjs_form, accept, reject):
    form = formjs_form(field("checkbox"))
    assert accept(form, {"f": True}) == {"f": True}
    assert accept(form, {"f": False}) == {"f": False}
    for bad in ("true", 1, 0, "on", [True]):
        assert reject(form, {"f": bad}) == {"f": ["Giá trị phải là đúng hoặc sai (true/false)."]}


def test_required_checkbox_must_be_ticked(formjs_form, accept, reject):
    form = formjs_form(field("checkbox", validate={"required": True}))
    assert accept(form, {"f": True}) == {"f": True}
    assert reject(form, {"f": False}) == {"f": [REQUIRED_VI]}
    assert reject(form, {}) == {"f": [REQUIRED_VI]}


# --- select / radio ---------------------------------------------------------------------------

OPTIONS = [
    {"label": "Tập thể", "value": "collective"},
    {"label": "Cá nhân", "value": "individual"},
]


@pytest.mark.parametrize("kind", ["select", "radio"])
def test_single_choice_enforces_static_options(kind, formjs_form, accept, reject):
    form = formjs_form(field(kind, values=OPTIONS))
    assert accept(form, {"f": "collective"}) == {"f": "collective"}
    assert accept(form, {"f": None}) == {"f": None}
    assert reject(form, {"f": "enterprise"}) == {"f": ["Giá trị không nằm trong danh sách cho phép."]}


@pytest.mark.parametrize("kind", ["select", "radio"])
def test_single_choice_refuses_lists_and_objects(kind, formjs_form, reject):
    form = formjs_form(field(kind, values=OPTIONS))
    message = ["Giá trị phải là chuỗi ký tự, số hoặc đúng/sai."]
    assert reject(form, {"f": ["collective"]}) == {"f": message}
    assert reject(form, {"f": {"value": "collective"}}) == {"f": message}


def test_single_choice_keeps_true_apart_from_one(formjs_form, accept, reject):
    form = formjs_form(field("select", values=[{"label": "Một", "value": 1}]))
    assert accept(form, {"f": 1}) == {"f": 1}
    assert reject(form, {"f": True}) == {"f": ["Giá trị không nằm trong danh sách cho phép."]}


def test_required_single_choice(formjs_form, reject):
    form = formjs_form(field("select", values=OPTIONS, validate={"required": True}))
    assert reject(form, {"f": None}) == {"f": [REQUIRED_VI]}
    assert reject(form, {"f": ""}) == {"f": [REQUIRED_VI]}


@pytest.mark.parametrize("source", [{"valuesKey": "units"}, {"valuesExpression": "=units"}])
def test_dynamic_options_accept_any_scalar(source, formjs_form, accept, reject):
    form = formjs_form(field("select", **source))
    assert accept(form, {"f": "anything"}) == {"f": "anything"}
    assert accept(form, {"f": 42}) == {"f": 42}
    assert reject(form, {"f": ["a"]}) == {"f": ["Giá trị phải là chuỗi ký tự, số hoặc đúng/sai."]}


# --- checklist / taglist ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["checklist", "taglist"])
def test_multi_choice_enforces_static_options(kind, formjs_form, accept, reject):
    form = formjs_form(field(kind, values=OPTIONS))
    assert accept(form, {"f": ["collective", "individual"]}) == {"f": ["collective", "individual"]}
    assert accept(form, {"f": []}) == {"f": []}
    assert reject(form, {"f": ["collective", "x", "y"]}) == {
        "f": ["Có giá trị không nằm trong danh sách cho phép: x, y."]
    }


@pytest.mark.parametrize("kind", ["checklist", "taglist"])
def test_multi_choice_refuses_scalars_and_nested_values(kind, formjs_form, reject):
    form = formjs_form(field(kind, values=OPTIONS))
    assert reject(form, {"f": "collective"}) == {"f": ["Giá trị phải là một danh sách."]}
    assert reject(form, {"f": [["collective"]]}) == {"f": ["Giá trị phải là chuỗi ký tự, số hoặc đúng/sai."]}


def test_multi_choice_refuses_repeated_values(formjs_form, reject):
    form = formjs_form(field("checklist", values=OPTIONS))
    assert reject(form, {"f": ["collective", "collective"]}) == {"f": ["Danh sách có giá trị bị lặp lại: collective."]}


def test_required_multi_choice_needs_one_value(formjs_form, reject):
    form = formjs_form(field("taglist", values=OPTIONS, validate={"required": True}))
    assert reject(form, {"f": []}) == {"f": [REQUIRED_VI]}


def test_multi_choice_with_dynamic_options_accepts_any_scalars(formjs_form, accept):
    form = formjs_form(field("taglist", valuesKey="tags"))
    assert accept(form, {"f": ["a", 2, True]}) == {"f": ["a", 2, True]}


# --- datetime ---------------------------------------------------------------------------------


def test_date_subtype_takes_iso_dates(formjs_form, accept, reject):
    form = formjs_form(field("datetime", subtype="date"))
    assert accept(form, {"f": "2025-07-01"}) == {"f": "2025-07-01"}
    invalid = {"f": ["Ngày không hợp lệ; cần dạng YYYY-MM-DD."]}
    for bad in ("01/07/2025", "2025-02-30", "20250701", "2025-07-01T10:00", 20250701):
        assert reject(form, {"f": bad}) == invalid


def test_date_is_the_default_subtype(formjs_form, reject):
    assert "f" in reject(formjs_form(field("datetime")), {"f": "10:30"})


def test_time_subtype_takes_the_three_serialising_formats(formjs_form, accept, reject):
    form = formjs_form(field("datetime", subtype="time"))
    for good in ("08:30", "08:30Z", "08:30+07:00", "23:59:59"):
        assert accept(form, {"f": good}) == {"f": good}
    for bad in ("24:00", "8:30", "08:61", "2025-07-01", 830):
        assert reject(form, {"f": bad}) == {"f": ["Giờ không hợp lệ; cần dạng HH:mm."]}


def test_datetime_subtype(formjs_form, accept, reject):
    form = formjs_form(field("datetime", subtype="datetime"))
    for good in ("2025-07-01T08:30", "2025-07-01T08:30Z", "2025-07-01T08:30:15+07:00"):
        assert accept(form, {"f": good}) == {"f": good}
    for bad in ("2025-07-01", "2025-07-01 08:30", "2025-13-01T08:30"):
        assert reject(form, {"f": bad}) == {"f": ["Ngày giờ không hợp lệ; cần dạng YYYY-MM-DDTHH:mm."]}


def test_required_datetime_refuses_null(formjs_form, reject):
    form = formjs_form(field("datetime", subtype="date", validate={"required": True}))
    assert reject(form, {"f": None}) == {"f": [REQUIRED_VI]}


def test_disallow_passed_dates(formjs_form, accept, reject):
    form = formjs_form(
        field("datetime", "d", subtype="date", disallowPassedDates=True),
        field("datetime", "dt", subtype="datetime", disallowPassedDates=True),
    )
    assert accept(form, {"d": "2999-01-01", "dt": "2999-01-01T00:00"})
    assert reject(form, {"d": "2000-01-01", "dt": "2000-01-01T10:00"}) == {
        "d": ["Không được chọn ngày trong quá khứ."],
        "dt": ["Không được chọn ngày trong quá khứ."],
    }


# --- components without a value -----------------------------------------------------------------


@pytest.mark.parametrize(
    "component",
    [
        {"type": "text", "text": "# Tiêu đề"},
        {"type": "html", "content": "<b>x</b>"},
        {"type": "spacer", "height": 60},
        {"type": "separator"},
        {"type": "image", "source": "=logo"},
        {"type": "iframe", "url": "https://example.org"},
        {"type": "table", "dataSource": "=rows"},
    ],
)
def test_display_components_hold_no_value(component, formjs_form, accept, reject):
    form = formjs_form(component, field("textfield", "name"))
    assert accept(form, {"name": "A"}) == {"name": "A"}
    assert reject(form, {"name": "A", "text": "x"}) == {"text": ["Trường này không có trong biểu mẫu."]}


def test_expression_and_button_keys_are_dropped_not_trusted(formjs_form, accept):
    form = formjs_form(
        field("textfield", "name"),
        {"type": "expression", "key": "total", "expression": "=1+1"},
        {"type": "button", "key": "submit", "action": "submit"},
    )
    assert accept(form, {"name": "A", "total": 999, "submit": True}) == {"name": "A"}


def test_unknown_keyed_component_types_accept_any_json(formjs_form, accept):
    form = formjs_form({"type": "filepicker", "key": "files"})
    assert accept(form, {"files": "files::abc"}) == {"files": "files::abc"}
    assert accept(form, {"files": [{"id": 1}]}) == {"files": [{"id": 1}]}
