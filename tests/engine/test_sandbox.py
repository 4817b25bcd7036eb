"""The sandboxed environment behaves like SpiffWorkflow's TaskDataEnvironment for what diagrams do."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment

from service.engine.sandbox import (
    SafeNamespace,
    SandboxDataError,
    SandboxedEnvironment,
    SandboxSecurityError,
    SandboxTimeout,
    check_source,
)


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment()


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("amount > 80", True),
        ("amount > 80 and ok", True),
        ("not ok or amount < 10", False),
        ("len(items)", 3),
        ("[x * 2 for x in items if x > 1]", [4, 6]),
        ("{k: v for k, v in person.items() if v}", {"name": "An"}),
        ("sum(items) / len(items)", 2.0),
        ("max(items, key=lambda x: -x)", 1),
        ("sorted(items, reverse=True)[0]", 3),
        ("person['name'].upper() + '!'", "AN!"),
        ("person.get('rank', 'none')", "none"),
        ("f'{amount:>6}|{person[\"name\"]!r}'", "   100|'An'"),
        ("'%s-%05d' % ('x', amount)", "x-00100"),
        ("'PT1H'", "PT1H"),
        ("timedelta(days=3).total_seconds()", 259200.0),
        ("str(Decimal('1.10') + Decimal('2'))", "3.10"),
        ("isinstance(amount, (int, float))", True),
        ("list(zip(items, 'abc'))", [(1, "a"), (2, "b"), (3, "c")]),
        ("[i for i, _ in enumerate(items)]", [0, 1, 2]),
        ("list(map(str, filter(lambda x: x % 2, items)))", ["1", "3"]),
        ("  amount == 100", True),  # eval() strips leading blanks; so do we
        ("items[::-1]", [3, 2, 1]),
        ("round(2.675, 2)", 2.67),
        ("'Nguyễn Văn An'.split()[-1]", "An"),
    ],
)
def test_evaluate_matches_task_data_environment(env, expression, expected):
    data = {"amount": 100, "ok": True, "items": [1, 2, 3], "person": {"name": "An", "unit": ""}}
    assert env.evaluate(expression, dict(data)) == expected
    # Same answer as SpiffWorkflow's own (unsandboxed) environment, where it has the same builtins.
    if "Decimal" not in expression and "timedelta" not in expression:
        assert TaskDataEnvironment().evaluate(expression, dict(data)) == expected


def test_evaluate_datetime_and_timezone(env):
    value = env.evaluate("(datetime.now(timezone.utc) + timedelta(days=3)).isoformat()", {})
    parsed = datetime.fromisoformat(value)
    assert timedelta(days=2, hours=23) < parsed - datetime.now(UTC) <= timedelta(days=3)
    assert env.evaluate("datetime.strptime(d, '%d/%m/%Y').date().isoformat()", {"d": "02/09/2025"}) == "2025-09-02"
    assert env.evaluate("date.fromisoformat('2025-01-01').strftime('%d/%m')", {}) == "01/01"


def test_evaluate_uses_external_context_and_environment_globals():
    env = SandboxedEnvironment({"threshold": 50, "helpers": SafeNamespace(double=lambda x: 2 * x)})
    assert env.evaluate("x > threshold and helpers.double(x) == 120", {"x": 60}) is True
    assert env.evaluate("dmninputexpr == 'A'", {}, external_context={"dmninputexpr": "A"}) is True
    # task data wins over globals, as in TaskDataEnvironment
    assert env.evaluate("threshold", {"threshold": 1}) == 1


def test_evaluate_does_not_add_names_to_task_data(env):
    data = {"items": [1, 2]}
    env.evaluate("[x for x in items]", data)
    assert data == {"items": [1, 2]}


def test_task_data_named_like_a_refused_builtin_still_works(env):
    # 'type' and 'input' are ordinary field names in forms; data shadows the refused builtin.
    assert env.evaluate("type == 'individual' and input > 1", {"type": "individual", "input": 2}) is True


def test_execute_updates_context_in_place(env):
    data = {"points": [70, 90, 95], "note": "giữ nguyên"}
    script = "\n".join(
        [
            "score = sum(points) / len(points)",
            "level = 'xuất sắc' if score > 80 else 'khá'",
            "result = {'ok': True, 'count': len(points)}",
            "def bonus(x):",
            "    return x + 5",
            "points = [bonus(p) for p in points]",
            "total = 0",
            "for p in points:",
            "    total += p",
            "counts = {}",
            "counts['a'] = counts.get('a', 0) + 1",
            "counts['a'] += 1",
            "due = (datetime(2025, 1, 1) + timedelta(days=3)).isoformat()",
        ]
    )
    assert env.execute(script, data) is True
    assert data["level"] == "xuất sắc"
    assert data["result"] == {"ok": True, "count": 3}
    assert data["points"] == [75, 95, 100]
    assert data["total"] == 270
    assert data["counts"] == {"a": 2}
    assert data["due"] == "2025-01-04T00:00:00"
    assert data["note"] == "giữ nguyên"
    assert "bonus" not in data and "__builtins__" not in data
    assert not any(key.startswith("_") for key in data)
    json.dumps(data)


def test_execute_strips_external_context_and_globals_like_spiff():
    env = SandboxedEnvironment({"helper": lambda: 1, "constant": 3})
    data = {"a": 1}
    env.execute("b = helper() + constant + obj", data, external_context={"obj": 10})
    assert data == {"a": 1, "b": 14}


def test_execute_refuses_data_that_hides_a_global():
    env = SandboxedEnvironment({"helper": lambda: 1})
    with pytest.raises(ValueError, match="helper"):
        env.execute("x = 1", {"helper": 2})


def test_execute_refuses_values_json_cannot_store(env):
    with pytest.raises(SandboxDataError, match="'tags' holds a set"):
        env.execute("tags = {'a', 'b'}", {})
    with pytest.raises(SandboxDataError, match="'amount' holds a Decimal"):
        env.execute("amount = Decimal('1.5')", {})
    with pytest.raises(SandboxDataError, match="non-string keys"):
        env.execute("d = {1: 'a'}", {})
    with pytest.raises(SandboxDataError, match="'g' holds a generator"):
        env.execute("g = (x for x in [1])", {})
    with pytest.raises(SandboxDataError, match="nests deeper than 100 levels"):
        env.execute("x = []\nfor i in range(200):\n    x = [x]", {})
    with pytest.raises(SandboxDataError, match="'ratio' holds nan"):
        env.execute("ratio = float('nan')", {})
    with pytest.raises(SandboxDataError, match="'day' holds a date"):
        env.execute("day = date(2025, 1, 1)", {})
    data = {}
    env.execute("when = datetime(2025, 1, 1)\nspan = timedelta(hours=1)\nrows = [(1, 'a')]", data)
    assert data["when"] == datetime(2025, 1, 1)


def test_errors_in_user_code_propagate_as_themselves(env):
    with pytest.raises(NameError):
        env.evaluate("missing > 1", {})
    with pytest.raises(ZeroDivisionError):
        env.execute("x = 1 / 0", {})
    with pytest.raises(KeyError):
        env.evaluate("d['x']", {"d": {}})
    with pytest.raises(SyntaxError):
        env.evaluate("x = 1", {})


def test_user_code_can_catch_its_own_errors_but_not_sandbox_ones():
    env = SandboxedEnvironment(cpu_time=0.2)
    data = {}
    env.execute("try:\n    x = int('abc')\nexcept ValueError:\n    x = 0", data)
    assert data == {"x": 0}
    with pytest.raises(SandboxTimeout):
        env.execute("try:\n    while True:\n        pass\nexcept Exception:\n    caught = True", {})
    with pytest.raises(SandboxTimeout):
        env.execute("try:\n    while True:\n        pass\nexcept:\n    pass", {})


def test_check_source_for_deploy_time_validation():
    check_source("x = [i for i in range(3)]")
    check_source("amount > 80", "eval")
    with pytest.raises(SandboxSecurityError, match="line 2"):
        check_source("x = 1\nimport os")
