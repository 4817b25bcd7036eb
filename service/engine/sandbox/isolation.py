"""The backstop: guarded code runs in a helper process that is killed when one operation overstays.

The guards bound every operation they can size; a few C operations cannot be sized cheaply before
they run (comparing or hashing values that share their parts 2^40 times, sorting millions of items).
Such an operation never returns to Python, so nothing in the server's process could stop it: it would
hold the worker and, through the GIL, every thread of it. Scripts, and the expressions `bounded` cannot
vouch for, therefore run in a helper (`helper.py`), kept running between runs; the server waits on the
pipe without holding the GIL, reads the helper's CPU time every 50 ms once a run lasts, and kills the
helper when the run uses more than its CPU budget plus `GRACE` (or ten times the budget in wall-clock
time). The helper's address
space is limited to its current size plus the memory budget, so its memory cannot grow past it either.
Other expressions (`decision == "return"`, `len(flagged) > 0`) run in the server under the guards.
A run through a helper adds two pickles and a pipe round trip (`bench/sandbox_cost.py` measures it).

A pool per server process: a helper serves one run at a time; up to `MAX_HELPERS` run at once, further
runs wait for a free one. Helpers are started on first use (about 0.2 s) and left behind by a fork.
"""

from __future__ import annotations

import atexit
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from .budget import SandboxLimits
from .compiler import FILENAME
from .errors import SandboxError, SandboxTimeout
from .wire import Reader, send

GRACE = 0.5  # seconds of CPU beyond the budget before the helper is killed (its own budget fires first)
POLL = 0.05  # seconds between reads of the helper's CPU time while a run lasts
MAX_HELPERS = 4
_ROOT = str(Path(__file__).resolve().parents[3])  # the directory holding the `service` package
_TICKS = os.sysconf("SC_CLK_TCK")


class _Helper:
    __slots__ = ("owner", "process")

    def __init__(self) -> None:
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.engine.sandbox.helper"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_ROOT, env=environment,
        )  # fmt: skip
        self.owner = os.getpid()

    def cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            pipe.close()  # type: ignore[union-attr]

    def _stopped(self, limits: SandboxLimits) -> SandboxError:
        """The helper ended during a run: its CPU limit (SIGXCPU), or the system's out-of-memory killer."""
        code = self.process.wait()
        if code == -signal.SIGXCPU:
            return SandboxTimeout(
                f"exceeded the CPU time limit of {limits.cpu_time:g} s",
                f"Vượt quá thời gian xử lý cho phép ({limits.cpu_time:g} giây)",
            )
        return SandboxError(
            f"the sandbox stopped unexpectedly (exit status {code})", f"Sandbox dừng bất thường (mã thoát {code})"
        )

    def run(self, request: tuple, limits: SandboxLimits) -> Any:
        """Send one request and wait for its answer; kill the helper and raise SandboxTimeout on overrun."""
        started = time.monotonic()
        send(self.process.stdin.fileno(), request)  # type: ignore[union-attr]
        reader = Reader(self.process.stdout.fileno())  # type: ignore[union-attr]
        baseline = None  # the helper's CPU clock is read only once a run outlasts a poll (most never do)
        while True:
            ready, _, _ = select.select([reader.fd], [], [], POLL)
            if ready:
                try:
                    if reader.feed():
                        return reader.message(safe=True)
                except EOFError:
                    raise self._stopped(limits) from None
                continue
            if baseline is None:  # it cannot have used more than one poll's CPU before: never an underestimate
                baseline = self.cpu_seconds() - POLL
            used = self.cpu_seconds() - baseline
            if used > limits.cpu_time + GRACE or time.monotonic() - started > 10 * limits.cpu_time + 5:
                self.kill()
                raise SandboxTimeout(
                    f"exceeded the CPU time limit of {limits.cpu_time:g} s in a single operation",
                    f"Vượt quá thời gian xử lý cho phép ({limits.cpu_time:g} giây) trong một phép tính",
                )


class _Pool:
    def __init__(self) -> None:
        self.idle: list[_Helper] = []
        self.busy = 0
        self.condition = threading.Condition()

    def acquire(self) -> _Helper:
        with self.condition:
            while True:
                self.idle = [
                    helper for helper in self.idle if helper.owner == os.getpid() and helper.process.poll() is None
                ]
                if self.idle:
                    self.busy += 1
                    return self.idle.pop()
                if self.busy < MAX_HELPERS:
                    self.busy += 1
                    break
                self.condition.wait()
        try:
            return _Helper()
        except BaseException:
            self.release(None)
            raise

    def close(self) -> None:
        """At exit: end this process's idle helpers (they would also end on their own, reading EOF)."""
        with self.condition:
            helpers, self.idle = self.idle, []
        for helper in helpers:
            if helper.owner == os.getpid():
                helper.kill()

    def release(self, helper: _Helper | None) -> None:
        with self.condition:
            self.busy -= 1
            if helper is not None and helper.process.returncode is None:
                self.idle.append(helper)
            self.condition.notify()


_pool = _Pool()
atexit.register(_pool.close)


def run_isolated(request: tuple, limits: SandboxLimits) -> Any:
    """Run `request` (see `helper._run`) in a helper; return its result or raise the code's error."""
    helper = _pool.acquire()
    try:
        answer = helper.run(request, limits)
    except BaseException:
        if helper.process.returncode is None:
            helper.kill()  # an answer half-read or an interrupted wait leaves the pipe unusable
        raise
    finally:
        _pool.release(helper)
    status, value, extra = answer
    if status == "error":
        _raise_at_line(value, extra)
    return value, extra


def _raise_at_line(error: BaseException, line: int) -> None:
    """Raise `error` from a frame named like the diagram's code at its line, which SpiffWorkflow reports."""
    if line > 0:
        exec(compile("\n" * (line - 1) + "raise error", FILENAME, "exec"), {"error": error})  # noqa: S102
    raise error
