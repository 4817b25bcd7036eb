"""merge_submission and the message catalogue."""

from __future__ import annotations

import re

from service.forms import merge_submission
from service.forms.messages import CATALOGUE, message, normalize_locale


def test_merge_recurses_into_objects_and_keeps_unsubmitted_keys():
    stored = {"a": 1, "g": {"x": 1, "y": 2}, "tags": ["a", "b"]}
    merged = merge_submission(stored, {"g": {"y": 3}, "tags": ["c"], "new": None})
    assert merged == {"a": 1, "g": {"x": 1, "y": 3}, "tags": ["c"], "new": None}
    assert stored == {"a": 1, "g": {"x": 1, "y": 2}, "tags": ["a", "b"]}


def test_merge_keeps_readonly_columns_of_existing_rows():
    stored = {"rows": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}
    merged = merge_submission(stored, {"rows": [{"name": "A"}, {"name": "B"}, {"name": "C"}]})
    assert merged == {"rows": [{"id": 1, "name": "A"}, {"id": 2, "name": "B"}, {"name": "C"}]}


def test_merge_list_takes_submitted_length():
    merged = merge_submission({"rows": [{"n": 1}, {"n": 2}]}, {"rows": [{"n": 9}]})
    assert merged == {"rows": [{"n": 9}]}


def test_merge_replaces_values_of_another_shape():
    assert merge_submission({"a": {"x": 1}}, {"a": "text"}) == {"a": "text"}
    assert merge_submission({"a": "text"}, {"a": {"x": 1}}) == {"a": {"x": 1}}


def test_every_message_has_both_languages_with_the_same_placeholders():
    for key, (vi, en) in CATALOGUE.items():
        assert vi and en and vi != en, key
        assert set(re.findall(r"{(\w+)}", vi)) == set(re.findall(r"{(\w+)}", en)), key


def test_vietnamese_is_the_default_and_english_on_request():
    assert message("required") == "Trường này là bắt buộc."
    assert message("required", "en") == "This field is required."
    assert message("min", "vi", min=0) == "Giá trị phải lớn hơn hoặc bằng 0."
    assert message("pattern") == "Không đúng định dạng."


def test_normalize_locale():
    assert normalize_locale("en-US") == "en"
    assert normalize_locale("EN_gb") == "en"
    assert normalize_locale("vi-VN") == "vi"
    assert normalize_locale(None) == "vi"
    assert normalize_locale("de") == "vi"
