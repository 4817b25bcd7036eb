"""JUEL expressions of Camunda diagrams become the Python of the same meaning, or stay as written."""

from __future__ import annotations

import pytest

from service.engine.juel import is_juel, java_call, juel_to_python
from service.engine.script_engine import check_script


@pytest.mark.parametrize(("juel", "python"), [
    ("${approved}", "approved"),
    ("#{approved}", "approved"),
    ("${!approved}", "not approved"),
    ("${amount > 1000 && !urgent}", "amount > 1000 and not urgent"),
    ('${kind eq "a" || level ne 2}', 'kind == "a" or level != 2'),
    ("${score ge 90 and score lt 100}", "score >= 90 and score < 100"),
    ("${empty reviewers}", "not reviewers"),
    ("${approved == true || note == null}", "approved == True or note == None"),
    ('${urgent ? "PT1H" : "P1D"}', '("PT1H" if urgent else "P1D")'),
    ('${"a && !b" == text}', '"a && !b" == text'),
])
def test_translation(juel, python):
    assert juel_to_python(juel) == python
    assert check_script(python) is None  # the sandbox accepts what the translation gives


def test_non_juel_text_is_left_alone():
    assert not is_juel("approved") and juel_to_python("approved and late") == "approved and late"


def test_bean_calls_are_named_as_java_code():
    assert "execution.getVariable(...)" in java_call('${execution.getVariable("x")}')
    assert "check(...)" in java_call("${myService.check(amount)}")
    assert java_call('${note == "f(x)"}') is None and java_call("${approved}") is None
