"""CPU-time and memory limits: runaway code fails fast with SandboxTimeout / SandboxMemoryError.

"Fast" is measured in CPU time, the budget's own clock: the CPU the run cost this thread plus the
sandbox helper processes it ran in (service/engine/sandbox/isolation.py). A loaded machine stretches
wall-clock time, not CPU time; wall-clock bounds are kept only as generous backstops against a hang.
"""

from __future__ import annotations

import os
import resource
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from service.engine.sandbox import SandboxedEnvironment, SandboxMemoryError, SandboxTimeout
from service.engine.sandbox.isolation import GRACE

CPU_LIMIT = 0.3
# CPU the run may cost beyond the budget: the helper's kill backstop (GRACE), one poll of its clock,
# and the guards' own work between two checks.
CPU_SLACK = GRACE + 0.3
QUICK_CPU = 2.0  # a memory refusal comes long before the CPU budget of a roomy run
WALL_BACKSTOP = 60.0  # only a hang exceeds this, however loaded the machine
_TICKS = os.sysconf("SC_CLK_TCK")


def children_cpu() -> float:
    """CPU seconds of this process's children: those already reaped, and those still running (the
    sandbox helpers are kept between runs; a helper killed for overstaying is reaped at once)."""
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = reaped.ru_utime + reaped.ru_stime
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


class Cost:
    cpu: float = 0.0
    wall: float = 0.0


@contextmanager
def measured(this_thread_only: bool = False) -> Iterator[Cost]:
    """The CPU time (this thread + the sandbox helpers) and wall time of the block."""
    cost = Cost()
    thread, children, wall = time.thread_time(), 0.0 if this_thread_only else children_cpu(), time.monotonic()
    try:
        yield cost
    finally:
        cost.wall = time.monotonic() - wall
        cost.cpu = time.thread_time() - thread + (0.0 if this_thread_only else children_cpu() - children)


def warm(env: SandboxedEnvironment) -> None:
    """Have a helper running before a measured run: starting one (about 0.2 s of CPU) is not the run's cost."""
    env.execute("warm = 1", {})


@pytest.fixture(scope="module")
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment(cpu_time=CPU_LIMIT)


def _run(env: SandboxedEnvironment, code: str) -> None:
    if "\n" in code or code.startswith(("while", "for")) or "=" in code.split("(")[0]:
        env.execute(code, {})
    else:
        env.evaluate(code, {})


TIMEOUTS = {
    "while_true": "while True:\n    pass",
    "while_true_with_work": "n = 0\nwhile True:\n    n = (n + 1) % 7",
    "huge_comprehension": "[x for x in range(10**6) for y in range(10**6)]",
    "huge_generator_in_builtin": "any(False for a in range(10**6) for b in range(10**6))",
    "sum_of_huge_range": "sum(range(10**12))",
    "aliased_range": "r = range\nn = len(r(10**12))",
    "range_via_map": "m = list(map(range, [10**12]))",
    "exponential_recursion": "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nv = f(40)",
    "exponential_lambda": "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nv = f(40)",
    "loop_swallowing_in_finally": (
        "while True:\n    try:\n        while True:\n            pass\n    finally:\n        pass"
    ),
    "loop_swallowing_in_except": (
        "while True:\n    try:\n        while True:\n            pass\n    except Exception:\n        pass"
    ),
}


@pytest.mark.parametrize("code", TIMEOUTS.values(), ids=TIMEOUTS.keys())
def test_runaway_cpu_raises_timeout_within_the_limit(env, code):
    warm(env)
    with measured() as cost, pytest.raises(SandboxTimeout):
        _run(env, code)
    assert cost.cpu < CPU_LIMIT + CPU_SLACK, cost.cpu  # some are refused before they start, none runs past it
    assert cost.wall < WALL_BACKSTOP


def test_timeout_message_names_the_limit(env):
    with pytest.raises(SandboxTimeout) as caught:
        env.execute("while True:\n    pass", {})
    assert caught.value.message_en == "exceeded the CPU time limit of 0.3 s"
    assert caught.value.message_vi == "Vượt quá thời gian xử lý cho phép (0.3 giây)"


def test_timeout_works_in_a_worker_thread(env):
    outcome: list[BaseException | None] = []
    costs: list[Cost] = []

    def worker() -> None:
        warm(env)
        with measured() as cost:
            try:
                env.execute("while True:\n    pass", {})
                outcome.append(None)
            except BaseException as error:  # reported to the main thread below
                outcome.append(error)
        costs.append(cost)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=WALL_BACKSTOP)
    assert not thread.is_alive()
    assert isinstance(outcome[0], SandboxTimeout)
    assert costs[0].cpu < CPU_LIMIT + CPU_SLACK, costs[0].cpu


def test_runaway_thread_does_not_disturb_a_concurrent_one(env):
    results: dict[str, object] = {}

    def runaway() -> None:
        try:
            env.execute("while True:\n    pass", {})
        except SandboxTimeout as error:
            results["runaway"] = error

    def steady() -> None:
        total = 0
        for _ in range(300):
            total += env.evaluate("sum(x for x in range(200))", {})
        results["steady"] = total

    threads = [threading.Thread(target=runaway), threading.Thread(target=steady)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WALL_BACKSTOP)
    assert isinstance(results["runaway"], SandboxTimeout)
    assert results["steady"] == 300 * 19900


def test_budget_is_per_run(env):
    # Many short runs never add up to a timeout.
    for _ in range(200):
        assert env.evaluate("sum(x for x in range(1000))", {}) == 499500


def test_ordinary_loops_are_unaffected(env):
    data = {"rows": [{"score": i % 100} for i in range(2000)]}
    env.execute("good = [r for r in rows if r['score'] > 80]\ncount = 0\nfor r in good:\n    count += 1", data)
    assert data["count"] == 19 * 20


LEGITIMATE_GROWTH = {
    "list_plus_equals": "rows = []\nfor i in range(20000):\n    rows += [i]",
    "string_plus_equals": "s = ''\nfor i in range(20000):\n    s += 'line %d\\n' % i",
    "extend_a_big_list": "items = list(range(100000))\nfor i in range(300):\n    items.extend([i])",
    "append_to_a_big_list": "items = [0] * 500000\nfor i in range(10000):\n    items.append(i)",
    "split_a_text": "text = 'word ' * 20000\nparts = len(text.split(' ')) + len(text.split())",
    "join_lines": "text = '\\n'.join(str(i) for i in range(30000))",
    "upper_a_big_text": "big = 'x' * 10**6\nfor i in range(20):\n    n = len(big.upper())",
    "dict_of_rows": "d = {}\nfor i in range(50000):\n    d[str(i)] = {'n': i}",
}


@pytest.mark.parametrize("code", LEGITIMATE_GROWTH.values(), ids=LEGITIMATE_GROWTH.keys())
def test_ordinary_growth_is_not_refused(code):
    SandboxedEnvironment().execute(code, {})


MEMORY = {
    "string_repeat": "'a' * 10**10",
    "list_repeat": "[0] * 10**9",
    "int_repeat_left": "10**9 * [0]",
    "tower_power": "10 ** 10 ** 10",
    "shift": "1 << 10**10",
    "nested_lists": "[[0] * 10**6 for _ in range(10**3)]",
    "string_doubling_loop": "s = 'a'\nwhile True:\n    s = s + s",
    "string_doubling_augmented": "s = 'a'\nwhile True:\n    s += s",
    "list_doubling_extend": "items = [1]\nfor i in range(60):\n    items.extend(items)",
    "list_doubling_augmented": "items = [0] * 1000\nfor i in range(60):\n    items += items",
    "center": "'x'.center(10**10)",
    "zfill": "'1'.zfill(10**10)",
    "expandtabs": "('\\t' * 1000).expandtabs(10**7)",
    "replace_empty": "('a' * 10**5).replace('', 'x' * 1000)",
    "join": "('x' * 10**6).join(['a'] * 100)",
    "percent_width": "'%10000000000d' % 1",
    "fstring_width": "f'{1:>10000000000}'",
    "fstring_nested_width": "f'{1:>{10**10}}'",
    "strftime_width": "date.today().strftime('%01000000000Y')",
    "sum_of_lists": "sum([[0] * 10**5] * 1000, [])",
    "list_of_range_repeated": "list(range(10**6)) * 100",
    "decimal_to_int": "int(Decimal('1e999999'))",
    "decimal_round": "round(Decimal('1e999999'))",
    "shared_nesting_to_text": "x = [1]\nfor i in range(40):\n    x = [x, x]\ns = str(x)",
    "shared_nesting_in_fstring": "x = [1]\nfor i in range(40):\n    x = [x, x]\ns = f'{x}'",
    "slices_in_a_loop": "big = [0] * 10**6\nkeep = []\nwhile True:\n    keep.append(big[:])",
    "copies_in_a_loop": "big = [0] * 10**6\nkeep = []\nwhile True:\n    keep.append(big.copy())",
    "starred_unpack": "x = [*range(10**6), *range(10**6)]",
    "dict_unpack": "d = dict.fromkeys(range(300000))\ne = [{**d} for _ in range(100)]",
    "bytes_percent_width": "b'%10000000000d' % 1",
    "generic_alias_call": "x = [set[int](range(10**6)) for _ in range(5)]",
    "list_iadd_range": "items = []\nfor i in range(100):\n    items += range(10**6)",
    "dict_fromkeys": "d = dict.fromkeys(range(10**6))\ne = [dict.fromkeys(range(10**6)) for _ in range(50)]",
}


@pytest.mark.parametrize("code", MEMORY.values(), ids=MEMORY.keys())
def test_runaway_memory_raises_memory_error_quickly(env, code):
    warm(env)
    with measured() as cost, pytest.raises(SandboxMemoryError) as caught:
        _run(env, code)
    assert cost.cpu < QUICK_CPU and cost.wall < WALL_BACKSTOP, (cost.cpu, cost.wall)
    assert "memory limit of 50 MB" in caught.value.message_en


SMALL_OBJECTS = {
    "append_in_a_loop": "items = []\nwhile True:\n    items.append('x' * 1000)",
    "zip_materialised": "z = [list(zip(range(10**6), range(10**6))) for _ in range(10)]",
    "dict_growing": "d = {}\nwhile True:\n    d[len(d)] = [len(d)]",
}


@pytest.mark.parametrize("code", SMALL_OBJECTS.values(), ids=SMALL_OBJECTS.keys())
def test_runaway_growth_in_small_objects_is_stopped(env, code):
    # Many small objects are seen by sampling the process's memory; in a long-lived process that
    # reuses memory it freed earlier (or spends the time in the garbage collector) the CPU limit
    # may come first. Either way the run stops quickly with a sandbox error.
    warm(env)
    with measured() as cost, pytest.raises((SandboxMemoryError, SandboxTimeout)):
        env.execute(code, {})
    assert cost.cpu < QUICK_CPU and cost.wall < WALL_BACKSTOP, (cost.cpu, cost.wall)


def test_many_small_objects_hit_the_memory_limit_in_a_fresh_run():
    roomy = SandboxedEnvironment(cpu_time=30)
    with pytest.raises(SandboxMemoryError, match="memory limit of 50 MB"):
        roomy.execute("items = []\nwhile True:\n    items.append([len(items)])", {})


def test_memory_limit_is_configurable():
    small = SandboxedEnvironment(memory=1024 * 1024)
    with pytest.raises(SandboxMemoryError, match="memory limit of 1 MB"):
        small.evaluate("'a' * (2 * 1024 * 1024)", {})
    assert len(SandboxedEnvironment().evaluate("'a' * (2 * 1024 * 1024)", {})) == 2 * 1024 * 1024


def test_big_int_limit_is_configurable():
    assert SandboxedEnvironment(max_int_bits=10**6).evaluate("(2 ** 100000).bit_length()", {}) == 100001
    with pytest.raises(SandboxMemoryError, match="integer of about"):
        SandboxedEnvironment().evaluate("2 ** 100000", {})


def test_range_limit_is_configurable():
    assert SandboxedEnvironment(max_range=10).evaluate("list(range(10))", {}) == list(range(10))
    with pytest.raises(SandboxTimeout, match="range"):
        SandboxedEnvironment(max_range=10).evaluate("range(11)", {})


def test_cached_simple_condition_costs_microseconds(env):
    data = {"amount": 100, "ok": True, **{f"field{i}": i for i in range(20)}}
    env.evaluate("amount > 80 and ok", data)  # compile once

    def batch() -> float:
        with measured(this_thread_only=True) as cost:  # evaluated in this thread, never in a helper
            for _ in range(2000):
                env.evaluate("amount > 80 and ok", data)
        return cost.cpu

    assert statistics.median(batch() for _ in range(5)) / 2000 < 20e-6
