"""One C operation cannot outrun the budgets: the sandbox probes of issue 9, kept as tests.

Each probe used to hold the process for seconds or grow it by gigabytes inside a single call that no
tick could interrupt. Static guards now refuse what they can size before it runs (in the server's own
process); the rest runs in a helper process that is killed when it overstays (`isolated=True`, the
service's environment). Resident memory is read as the peak (VmHWM) after resetting it.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from service.engine.sandbox import (
    SandboxDataError,
    SandboxedEnvironment,
    SandboxMemoryError,
    SandboxSecurityError,
    SandboxTimeout,
    isolation,
)

MB = 1024 * 1024
BUDGET = 50 * MB
MARGIN = 40 * MB  # interpreter noise (code objects, caches) on top of the budget
CPU = 1.0
SLACK = 3.0  # seconds of wall clock beyond the CPU budget: the test machine is shared and loaded


def _status(pid: int | str = "self") -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


def _reset_peak(pid: int | str = "self") -> int:
    """Reset the peak resident size (Linux: clear_refs 5) and return the current one."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
    return _status(pid)["VmRSS"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _probe(env: SandboxedEnvironment, code: str, error: type[Exception]) -> tuple[Exception, float, int]:
    """Run `code`; return the error it raised, the wall time and this process's peak RSS growth."""
    before = _reset_peak()
    started = time.monotonic()
    with pytest.raises(error) as caught:
        env.execute(code, {})
    return caught.value, time.monotonic() - started, _status()["VmHWM"] - before


DOUBLINGS = "\n".join(["x = [0] * 1000"] + ["x[:0] = x"] * 30)

# Refused by a static guard before the operation runs: (code, part of the English message).
STATIC = {
    "slice_assignment_doubling": (DOUBLINGS, "slice assignment"),
    "slice_assignment_as_for_target": ("x = [0] * 1000\nfor x[:0] in [x] * 30:\n    pass", "memory limit"),
    "slice_assignment_augmented": ("x = [0] * 1000\nfor i in range(30):\n    x[:0] += x", "memory limit"),
    "slice_assignment_of_reversed": ("x = [0] * 1000\nfor i in range(30):\n    x[:0] = reversed(x)", "memory limit"),
    "percent_d_of_huge_decimal": ("s = '%d' % Decimal('1e600000')", "Decimal of 1 digits and exponent 600000"),
    "percent_d_of_decimal_in_dict": ("s = '%(v)d' % {'v': Decimal('1e600000')}", "exponent 600000"),
    "format_f_of_huge_decimal": ("s = f\"{Decimal('1e500000000'):f}\"", "exponent 500000000"),
    "decimal_power": ("d = Decimal(10) ** 999999\ns = '%d' % d", "Decimal result beyond 10^4300"),
    "decimal_from_huge_int": ("d = Decimal(7 ** 20000)", "Decimal of"),
    "decimal_from_long_text": ("d = Decimal('9' * 10**6)", "Decimal of 1000000 digits"),
    "int_from_hex_text_then_divide": ("x = int('f' * 3000000, 16)\ny = x // 3 % 12345678901", "integer of about"),
    "int_from_binary_text": ("x = int('1' * 10**7, 2)", "integer of about"),
    "int_from_prefixed_text": ("x = int('0x' + 'f' * 10**6, 0)", "integer of about"),
    "big_int_power": ("x = 7 ** 10**7\ny = x // 3", "integer of about"),
    "big_int_product": ("x = 2 ** 65000\ny = x * x * x", "integer of about"),
    "big_int_shift": ("x = 1 << 10**8", "integer of about"),
    "big_int_by_repeated_addition": ("x = 1\nwhile True:\n    x = x + x", "integer of about 65537 bits"),
    "big_int_by_repeated_subtraction": ("x = 1\nwhile True:\n    x -= -x", "integer of about 65537 bits"),
    "string_repetition": ("s = 'ab' * 10**9", "repeated"),
    "list_repetition": ("s = [0, 1] * 10**9", "repeated"),
    "percent_width": ("s = '%0*d' % (10**9, 1)", "'*' width"),
}


@pytest.fixture(scope="module")
def in_process() -> SandboxedEnvironment:
    return SandboxedEnvironment(cpu_time=CPU)


@pytest.fixture(scope="module")
def isolated() -> SandboxedEnvironment:
    return SandboxedEnvironment(cpu_time=CPU, isolated=True)


@pytest.mark.parametrize("code, fragment", STATIC.values(), ids=STATIC.keys())
def test_static_guards_refuse_in_the_servers_process_within_the_budgets(in_process, code, fragment):
    error, elapsed, grown = _probe(in_process, code, (SandboxMemoryError, SandboxSecurityError))
    assert fragment in error.message_en
    assert elapsed < CPU + SLACK
    assert grown < BUDGET + MARGIN, f"resident memory grew by {grown / MB:.0f} MB"


@pytest.mark.parametrize("code, fragment", STATIC.values(), ids=STATIC.keys())
def test_static_refusals_come_back_unchanged_from_the_helper(isolated, code, fragment):
    error, elapsed, grown = _probe(isolated, code, (SandboxMemoryError, SandboxSecurityError))
    assert fragment in error.message_en and error.message_vi != error.message_en
    assert elapsed < CPU + SLACK
    assert grown < MARGIN  # the server's own memory does not take part


def test_an_integer_json_cannot_write_is_refused_as_task_data(in_process):
    with pytest.raises(SandboxDataError, match="integer of 20001 bits"):
        in_process.execute("x = 2 ** 20000", {})


def test_hexadecimal_literals_are_bounded_at_compile_time(in_process):
    with pytest.raises(SandboxSecurityError, match="integer literal of 1200000 bits"):
        in_process.execute("x = 0x" + "f" * 300000 + "\ny = x // 7", {})


# Not sizeable before they run: one C call walks a value whose parts are shared 2^40 times.
SHARED = "a = [1]\nb = [1]\nfor i in range(40):\n    a = [a, a]\n    b = [b, b]\n"
NESTED = "[" * 40 + "1" + "] * 2" * 40  # [[[1] * 2] * 2] ... forty deep, built in one expression
LAMBDA = "(lambda f: f(f, 40))(lambda f, n: [f(f, n - 1)] * 2 if n else [1])"
WALRUS = " and ".join(["(a := [1]) and (b := [1])"] + ["(a := [a, a]) and (b := [b, b])"] * 40 + ["a == b"])
BACKSTOP = {
    "compare_shared_lists": ("exec", SHARED + "same = a == b"),
    "order_shared_lists": ("exec", SHARED + "less = a < b"),
    "contains_shared_list": ("exec", SHARED + "found = b in [a]"),
    "hash_shared_tuples": ("exec", "t = (1,)\nfor i in range(40):\n    t = (t, t)\nd = {t: 1}"),
    "sort_shared_lists": ("exec", SHARED + "s = sorted([a, b, a, b])"),
    "straight_line_bindings": (
        "exec",
        "l0 = [1]\nm0 = [1]\n"
        + "".join(f"l{i} = [l{i - 1}, l{i - 1}]\nm{i} = [m{i - 1}, m{i - 1}]\n" for i in range(1, 41))
        + "same = l40 == m40",
    ),
    "walrus_in_an_expression": ("eval", WALRUS),
    "nested_repetition_in_an_expression": ("eval", f"{NESTED} == {NESTED}"),
    "recursive_lambda_in_an_expression": ("eval", f"{LAMBDA} == {LAMBDA}"),
}


@pytest.mark.parametrize("name", BACKSTOP.keys())
def test_the_backstop_kills_a_single_runaway_operation(isolated, name):
    mode, code = BACKSTOP[name]
    before, helpers_cpu = _reset_peak(), _children_cpu()
    started = time.monotonic()
    with pytest.raises(SandboxTimeout) as caught:
        if mode == "eval":
            isolated.evaluate(code, {})
        else:
            isolated.execute(code, {})
    assert "in a single operation" in caught.value.message_en
    assert "trong một phép tính" in caught.value.message_vi
    # The killed helper's CPU time (reaped, so counted among this process's children): the budget, the
    # grace and one poll; the wall clock only within the backstop's own cap (the machine is loaded).
    # The helper is killed at budget + grace; the watcher polls, so a loaded machine adds a little (bounded).
    assert _children_cpu() - helpers_cpu < CPU + isolation.GRACE + 1.0
    assert time.monotonic() - started < 10 * CPU + 5
    assert _status()["VmHWM"] - before < MARGIN
    data = {"n": 2}
    isolated.execute("m = n * 2", data)  # a fresh helper takes over
    assert data == {"n": 2, "m": 4}


def test_the_helpers_memory_is_capped_by_its_address_space(isolated):
    isolated.execute("x = 1", {})  # a helper is running and idle (scripts always go to one)
    helper = isolation._pool.idle[-1]  # the one the next run takes
    _reset_peak(helper.process.pid)
    before = _status(helper.process.pid)["VmRSS"]
    with pytest.raises(SandboxMemoryError):
        isolated.execute(DOUBLINGS, {})
    peak = _status(helper.process.pid)["VmHWM"]
    assert peak - before < BUDGET + MARGIN, f"helper grew by {(peak - before) / MB:.0f} MB"


def test_results_and_task_data_cross_the_boundary(isolated):
    data = {"items": [1, 2, 3], "name": "An"}
    assert isolated.evaluate("sorted(items, reverse=True)", data) == [3, 2, 1]
    assert isolated.evaluate("Decimal('1.5') * 2", data) == pytest.approx(3)
    isolated.execute("total = sum(items)\nname = name.upper()\ndel items", data)
    assert data == {"total": 6, "name": "AN"}


def test_a_script_error_keeps_its_line_for_spiffworkflow(isolated):
    script = "a = 1\nb = 2\nratio = 10 / count\n"
    try:
        isolated.execute(script, {"count": 0})
    except ZeroDivisionError as error:  # SpiffWorkflow reads the line from the traceback, as here
        assert PythonScriptEngine().get_error_line_number_and_content(script, error) == (3, "ratio = 10 / count")
    else:
        pytest.fail("the script did not fail")


@pytest.mark.parametrize(
    "expression, value",
    [
        ('decision == "return" and amount > 80', True),
        ("len(flagged) > 0", True),
        ('consolidation.get("review_required") is True', False),
        ("str(amount).zfill(6) + '-' + decision.upper()", "000090-RETURN"),
        ("Decimal('1.5') * amount > 100", True),
    ],
)
def test_expressions_the_guards_bound_stay_in_the_servers_process(isolated, monkeypatch, expression, value):
    def refuse(*args, **kwargs):
        raise AssertionError("a bounded expression went to a helper")

    monkeypatch.setattr("service.engine.sandbox.environment.run_isolated", refuse)
    data = {"decision": "return", "amount": 90, "flagged": [1], "consolidation": {}}
    assert isolated.evaluate(expression, data) == value


def test_a_bounded_expression_is_still_refused_by_the_static_guards(isolated, monkeypatch):
    monkeypatch.setattr("service.engine.sandbox.environment.run_isolated", None)  # never called
    with pytest.raises(SandboxMemoryError, match="exponent 600000"):
        isolated.evaluate("'%d' % Decimal('1e600000') != ''", {})
