"""The helper process boundary: what crosses it, what does not, and helpers that die or are forked away."""

from __future__ import annotations

import os
import pickle
from collections import OrderedDict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from service.engine.sandbox import SandboxDataError, SandboxedEnvironment, SandboxSecurityError, isolation, wire


@pytest.fixture(scope="module")
def isolated() -> SandboxedEnvironment:
    return SandboxedEnvironment(isolated=True)


def _unpickle_safely(data: bytes):
    reader = wire.Reader(0)
    reader.buffer, reader.size = bytearray(data), len(data)
    return reader.message(safe=True)


def test_the_server_unpickles_only_plain_data_from_a_helper():
    values = [1, "a", [1.5], {"k": (1, 2)}, {3}, frozenset({4}), Decimal("1.2"), date(2026, 12, 3),
              datetime(2026, 12, 3, 10), timedelta(days=2), OrderedDict(a=1), ValueError("x"),
              SandboxSecurityError("x", "y", lineno=2)]
    for value in values:
        back = _unpickle_safely(pickle.dumps(value))
        assert type(back) is type(value)
    assert _unpickle_safely(pickle.dumps(SandboxSecurityError("x", "y", lineno=2))).message_vi.endswith("(dòng 2)")
    with pytest.raises(pickle.UnpicklingError, match=r"posix\.system may not cross"):
        _unpickle_safely(pickle.dumps(os.system))


def test_a_failing_script_leaves_the_task_data_as_it_was(isolated):
    data = {"a": 1}
    with pytest.raises(ZeroDivisionError):
        isolated.execute("a = 2\nd = date.today()\nx = 1 / 0", data)
    assert data == {"a": 1}  # not half-updated, and no date that JSON could not store


def test_a_result_that_cannot_cross_is_a_data_error(isolated):
    with pytest.raises(SandboxDataError, match="cannot be passed back"):
        isolated.evaluate("[lambda: 1]", {})


def test_a_dead_helper_is_replaced(isolated):
    isolated.execute("x = 1", {})
    helper = isolation._pool.idle[-1]
    helper.kill()
    data = {"n": 1}
    isolated.execute("m = n + 1", data)
    assert data == {"n": 1, "m": 2}


def test_helpers_of_another_process_are_never_used(isolated, monkeypatch):
    isolated.execute("x = 1", {})
    inherited = list(isolation._pool.idle)
    monkeypatch.setattr(isolation.os, "getpid", lambda: -1)  # as in a forked child of this process
    data: dict = {}
    isolated.execute("y = 2", data)
    assert data == {"y": 2}
    try:
        assert [helper.owner for helper in isolation._pool.idle] == [-1]  # a helper of its own
        assert not set(inherited) & set(isolation._pool.idle)
    finally:
        for helper in inherited + isolation._pool.idle:
            if helper.process.poll() is None:
                helper.kill()
        isolation._pool.idle = []
