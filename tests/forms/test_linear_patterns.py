"""Form patterns run on RE2: linear in the value whatever the pattern; what RE2 cannot run is refused at deploy."""

from __future__ import annotations

import io
import json
import time

import pytest

from service.forms import FormDefinitionError
from service.forms.formjs import schema_from_formjs
from tests.conftest import read_fixture

SLACK = 2.0  # seconds; with Python's backtracking `re` these took minutes (doubling per character)


def text(key: str, **validate) -> dict:
    return {"type": "textfield", "key": key, "id": f"Field_{key}", "validate": validate}


@pytest.mark.parametrize(
    "pattern",
    [
        r"^(a+)+$",
        r"^(a|a)*$",
        r"^(a|aa)+$",
        r"^(\w+\s?)*$",
        r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
    ],
)
def test_catastrophic_patterns_answer_in_linear_time(formjs_form, reject, pattern):
    form = formjs_form(text("code", pattern=pattern))
    value = "a" * 50_000 + "!"
    started = time.monotonic()
    assert reject(form, {"code": value}) == {"code": ["Không đúng định dạng."]}
    assert time.monotonic() - started < SLACK


def test_the_email_check_is_linear_too(formjs_form, reject, accept):
    form = formjs_form({"type": "textfield", "key": "mail", "validate": {"validationType": "email"}})
    started = time.monotonic()
    assert reject(form, {"mail": "a@" + "a" * 500_000 + ".!"}) == {"mail": ["Địa chỉ email không hợp lệ."]}
    assert time.monotonic() - started < SLACK
    assert accept(form, {"mail": "nguyễn.văn+tdkt@sở-nội-vụ.đà-nẵng.vn"})  # letters of any script, as before


@pytest.mark.parametrize(
    "pattern, fragment",
    [
        ("^(?=.*\\d)\\w+$", "invalid perl operator: (?="),
        ("(?<!x)y", "invalid perl operator: (?<!"),
        ("^(a)\\1$", "invalid escape sequence: \\1"),
        ("(a{999}){999}", "invalid repetition size"),
    ],
)
def test_patterns_re2_cannot_run_in_linear_time_are_form_errors(pattern, fragment):
    with pytest.raises(FormDefinitionError) as caught:
        schema_from_formjs({"components": [text("p", pattern=pattern)]})
    assert f"invalid validate.pattern {pattern!r}: {fragment}" in str(caught.value)
    assert "linear-time engine" in str(caught.value)


def test_javascript_unicode_escapes_still_work(formjs_form, accept, reject):
    form = formjs_form(text("name", pattern="^[\\u00C0-\\u1EF9A-Za-z ]+$"))
    assert accept(form, {"name": "Nguyễn Văn An"}) == {"name": "Nguyễn Văn An"}
    assert reject(form, {"name": "An 1"}) == {"name": ["Không đúng định dạng."]}


def test_deploying_a_form_with_a_lookahead_pattern_is_a_422(client, login, create_org_unit, create_user):
    create_org_unit("CITY", kind="city_peoples_committee")
    create_user("padmin", "CITY", ["process_admin"])
    form = json.loads(read_fixture("demo_draft.form"))
    form["components"][0].setdefault("validate", {})["pattern"] = "^(?=.*[A-Z]).+$"
    files = {"demo_approval.bpmn": read_fixture("demo_approval.bpmn"), "demo_draft.form": json.dumps(form).encode()}
    response = client.post("/api/v1/process-definitions", headers=login("padmin"), content_type="multipart/form-data",
                           data={"files": [(io.BytesIO(content), name) for name, content in files.items()]})
    assert response.status_code == 422, response.get_json()
    problems = json.dumps(response.get_json()["error"]["details"], ensure_ascii=False)
    assert "linear-time" in problems and "nominee_name" in problems
