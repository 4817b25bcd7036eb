"""Per-run CPU and memory budget of sandboxed code.

CPU: the AST rewrite puts a `tick()` in every loop body, comprehension and function entry; every 16th
tick reads this thread's CPU clock. That works in any thread (no SIGALRM) and installs no trace
function. Work done inside one C call is bounded separately: `range` sizes, big-int sizes and the
sizes of new strings/lists are predicted by the guards before the call.

Memory, three measures, the largest counts against the limit:
- predicted sizes: guards size what they are about to build and refuse anything over the limit
  outright; predicted allocations of 64 KiB or more also add up over the run (freed or not), so a
  loop building big values is stopped deterministically, whatever the heap looked like before;
- Python's count of small-object blocks in use (`sys.getallocatedblocks`) x 64 bytes, which grows
  even when pymalloc reuses memory freed earlier;
- the process's RSS growth, for large objects made outside the predictions.
The last two are sampled on every 16th tick and before predicted allocations of 256 KiB or more,
against their values at the first sample. Both are process-wide, so a concurrent thread that
allocates a lot during a run may be counted against it. A script that fills heap memory a
long-lived process freed earlier with many mid-size objects (> 512 bytes each) is not seen by RSS;
it is then stopped by the CPU limit instead. Rejected: tracemalloc (exact, but an allocation-heavy
loop ran about 9x slower, in every thread, while tracing) and glibc's mallinfo2 (exact, but it walks
the free lists: 42 ms per call on a fragmented heap).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import SandboxMemoryError, SandboxTimeout

BIG_ALLOCATION = 256 * 1024  # predicted sizes from here on also sample the process's memory
COUNTED_ALLOCATION = 64 * 1024  # predicted sizes from here on add up over the run
_TICKS_PER_CHECK_MASK = 15  # check clocks every 16 ticks
_SMALL_BLOCK = 64  # bytes counted per Python small-object block (they range from 16 to 512)


@dataclass(frozen=True)
class SandboxLimits:
    """How much one evaluation or script may use."""

    cpu_time: float = 1.0  # seconds of this thread's CPU time
    memory: int = 50 * 1024 * 1024  # bytes of growth
    max_range: int = 1_000_000  # items in one range()
    max_int_bits: int = 65_536  # bits of one integer built by *, ** or <<


def _rss_reader() -> Callable[[], int]:
    """A function returning this process's resident set size in bytes (0 where unknown)."""
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        fd = None
    if fd is not None:
        page = os.sysconf("SC_PAGE_SIZE")
        return lambda: int(os.pread(fd, 64, 0).split()[1]) * page
    try:
        import resource
    except ImportError:  # no way to measure: rely on the size predictions alone
        return lambda: 0
    # Peak RSS only grows, which makes the check stricter, never looser.
    return lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


read_rss = _rss_reader()


def _megabytes(nbytes: int) -> str:
    return f"{nbytes / (1024 * 1024):.0f} MB"


class Budget:
    """CPU and memory accounting of one sandboxed run; `tick` is bound into the run's globals."""

    __slots__ = ("blocks_base", "deadline", "expired", "limits", "predicted", "rss_base", "ticks")

    def __init__(self, limits: SandboxLimits):
        self.limits = limits
        self.ticks = 0
        self.deadline = time.thread_time() + limits.cpu_time
        self.expired = False
        self.predicted = 0  # bytes of counted allocations so far
        self.rss_base: int | None = None  # sampled lazily: most runs never need it
        self.blocks_base = 0

    def tick(self) -> bool:
        self.ticks += 1
        if not self.ticks & _TICKS_PER_CHECK_MASK:
            self.check_time()
            self.check_memory(0)
        return True

    def check_time(self) -> None:
        if self.expired or time.thread_time() > self.deadline:
            self.expired = True
            raise SandboxTimeout(
                f"exceeded the CPU time limit of {self.limits.cpu_time:g} s",
                f"Vượt quá thời gian xử lý cho phép ({self.limits.cpu_time:g} giây)",
            )

    def check_memory(self, upcoming: int) -> None:
        """Refuse if the memory used since the run started plus `upcoming` bytes exceeds the limit."""
        rss, blocks = read_rss(), sys.getallocatedblocks()
        if self.rss_base is None:
            self.rss_base, self.blocks_base = rss, blocks
        grown = max(rss - self.rss_base, (blocks - self.blocks_base) * _SMALL_BLOCK, self.predicted)
        if grown + upcoming > self.limits.memory:
            self.refuse_memory(f"about {_megabytes(grown + upcoming)} in use")

    def check_alloc(self, nbytes: int, what: str = "result", growth: int | None = None) -> None:
        """Called by guards before an operation predicted to build an object of about `nbytes`.

        `growth` is how much it adds to what the run holds, when that is less than `nbytes`:
        `s = s + t` builds len(s + t) but usually frees `s`, so only `t` adds up over a loop.
        """
        growth = nbytes if growth is None else growth
        if nbytes > self.limits.memory:
            self.refuse_memory(f"{what} would take about {_megabytes(nbytes)}")
        if growth >= BIG_ALLOCATION or nbytes >= BIG_ALLOCATION:
            self.check_time()
            self.check_memory(growth)
        if growth >= COUNTED_ALLOCATION:
            self.predicted += growth
            if self.predicted > self.limits.memory:
                self.refuse_memory(f"about {_megabytes(self.predicted)} built so far")

    def refuse_memory(self, detail: str) -> None:
        limit = _megabytes(self.limits.memory)
        raise SandboxMemoryError(
            f"exceeds the memory limit of {limit}: {detail}",
            f"Vượt quá giới hạn bộ nhớ cho phép ({limit}): {detail}",
        )


_local = threading.local()
_DEFAULT = SandboxLimits()


def current_budget() -> Budget:
    """The budget of the run on this thread; a fresh default one for callables that outlived their run."""
    budget = getattr(_local, "budget", None)
    return budget if budget is not None else Budget(_DEFAULT)


def enter(budget: Budget) -> Budget | None:
    previous = getattr(_local, "budget", None)
    _local.budget = budget
    return previous


def leave(previous: Budget | None) -> None:
    _local.budget = previous
