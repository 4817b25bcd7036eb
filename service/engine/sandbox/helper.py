"""A sandbox helper process: runs the guarded expressions and scripts the server sends, one at a time.

`python -m service.engine.sandbox.helper` reads requests on stdin and answers on stdout (see `wire`).
Before each run it lowers its own limits: address space to what it uses now plus the run's memory
budget and some slack (an allocation beyond fails with MemoryError), CPU time to what it used so far
plus the budget and two seconds (SIGXCPU ends it should the server's watch fail). The server kills it
when a run overstays (`isolation`); it exits by itself when the server closes the pipe.
"""

from __future__ import annotations

import os
import pickle
import resource
import sys
import traceback
from typing import Any

from .budget import SandboxLimits
from .compiler import FILENAME
from .environment import SandboxedEnvironment
from .errors import SandboxDataError, SandboxMemoryError
from .wire import receive, send

ADDRESS_SLACK = 64 * 1024 * 1024  # bytes beyond the memory budget before an allocation fails outright
_PAGE = os.sysconf("SC_PAGE_SIZE")
_STATM = os.open("/proc/self/statm", os.O_RDONLY)  # kept open: a pread per run instead of open/read/close
_environments: dict[SandboxLimits, SandboxedEnvironment] = {}


def _lower_limits(limits: SandboxLimits) -> None:
    address_space = int(os.pread(_STATM, 64, 0).split()[0]) * _PAGE
    resource.setrlimit(resource.RLIMIT_AS, (address_space + limits.memory + ADDRESS_SLACK, resource.RLIM_INFINITY))
    used = resource.getrusage(resource.RUSAGE_SELF)
    seconds = int(used.ru_utime + used.ru_stime + limits.cpu_time) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, resource.RLIM_INFINITY))


def _error_line(error: BaseException) -> int:
    line = 0
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == FILENAME:
            line = frame.lineno or 0
    return line


def _answer(error: BaseException) -> tuple[str, Any, int]:
    if isinstance(error, MemoryError):  # the address-space limit: the allocation never happened
        error = SandboxMemoryError("an allocation beyond the memory limit", "Cấp phát vượt quá giới hạn bộ nhớ")
    try:
        pickle.dumps(error)
    except Exception:  # an exception carrying something unpicklable: keep its type name and text
        error = RuntimeError(f"{type(error).__name__}: {error}")
    return ("error", error, _error_line(error))


def _run(request: tuple) -> tuple[str, Any, Any]:
    mode, source, context, external_context, environment_globals, limits = request
    environment = _environments.get(limits)
    if environment is None:
        environment = _environments[limits] = SandboxedEnvironment(**limits.__dict__)
    environment.globals = environment_globals
    _lower_limits(limits)
    if mode == "eval":
        return ("ok", environment.evaluate(source, context, external_context), None)
    environment.execute(source, context, external_context)
    return ("ok", None, context)


def main() -> None:
    """Serve requests until the server closes the pipe."""
    requests, answers = sys.stdin.fileno(), os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nothing printed may corrupt the answers
    while True:
        try:
            request = receive(requests)
        except EOFError:
            return
        try:
            answer: tuple = _run(request)
        except BaseException as error:  # every failure of the code goes back to the server
            answer = _answer(error)
        try:
            send(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            send(
                answers,
                _answer(
                    SandboxDataError(
                        "the result cannot be passed back from the sandbox", "Không trả được kết quả ra khỏi sandbox"
                    )
                ),
            )


if __name__ == "__main__":
    main()
