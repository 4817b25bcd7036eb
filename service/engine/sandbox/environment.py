"""The sandbox every expression and script of a diagram runs in.

`SandboxedEnvironment` has the semantics of SpiffWorkflow 3.2.0's `TaskDataEnvironment` (evaluate returns
the value; execute updates the task data in place and strips functions and helpers from it) but
compiles the code through `compiler` (allow-listed syntax, guarded attribute access, calls and
growing operators) and runs it within a CPU-time and memory budget. Every path SpiffWorkflow uses
(gateway conditions, timers, multi-instance, DMN input/output entries, script tasks, pre/post scripts,
correlation properties) goes through `evaluate`/`execute` of the environment.

Code that needs no guard (`amount > 80 and ok`) runs with plain `eval` on the cached code object: it
calls nothing, so it cannot build a Decimal, a big number or a structure sharing its parts (task data
is JSON). With `isolated=True` (the service's environment) scripts, and expressions the static guards
alone do not bound (`bounded`), run in a helper process that is killed when a single operation
overstays its budget (`isolation`); the other expressions run here under the guards.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .attributes import SafeNamespace
from .budget import Budget, SandboxLimits, enter, leave
from .builtins import SAFE_BUILTINS
from .compiler import GUARD_PREFIX, CompiledCode, check_source, compile_sandboxed
from .data import check_storable
from .errors import (
    SandboxDataError,
    SandboxError,
    SandboxMemoryError,
    SandboxSecurityError,
    SandboxTimeout,
)
from .guards import STATIC_GUARDS
from .isolation import run_isolated
from .numeric import DECIMAL_DIGITS, bounded_context

__all__ = [
    "SafeNamespace",
    "SandboxDataError",
    "SandboxError",
    "SandboxLimits",
    "SandboxMemoryError",
    "SandboxSecurityError",
    "SandboxTimeout",
    "SandboxedEnvironment",
    "check_source",
    "make_script_engine",
]


@lru_cache(maxsize=512)
def _static_guards(names: frozenset[str]) -> dict[str, Callable[..., Any]]:
    return {name: STATIC_GUARDS[name] for name in names if name in STATIC_GUARDS}


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """A drop-in for TaskDataEnvironment that runs diagram code in the sandbox; safe to share across threads."""

    def __init__(
        self,
        environment_globals: dict[str, Any] | None = None,
        *,
        cpu_time: float = SandboxLimits.cpu_time,
        memory: int = SandboxLimits.memory,
        max_range: int = SandboxLimits.max_range,
        max_int_bits: int = SandboxLimits.max_int_bits,
        isolated: bool = False,
    ):
        super().__init__(environment_globals)
        self.limits = SandboxLimits(cpu_time=cpu_time, memory=memory, max_range=max_range, max_int_bits=max_int_bits)
        self.isolated = isolated  # guarded code runs in a helper process (`isolation`); globals must pickle

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        """Return the value of `expression` with the task data (and external context) as variables."""
        compiled = compile_sandboxed(expression, "eval")
        if self.isolated and compiled.guards and not compiled.bounded:
            request = ("eval", expression, context, external_context, self.globals, self.limits)
            return run_isolated(request, self.limits)[0]
        scope = dict(self.globals)
        if external_context:
            scope.update(external_context)
        scope.update(context)
        scope["__builtins__"] = SAFE_BUILTINS  # after the data: a data key cannot replace it
        if not compiled.guards:
            return eval(compiled.code, scope)  # noqa: S307 - code checked and rewritten by sandbox.compiler
        return self._run(compiled, scope, eval)

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        """Run `script` with the task data as its globals; what it assigns stays in the task data."""
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        compiled = compile_sandboxed(script, "exec")
        if self.isolated:
            request = ("exec", script, context, external_context, self.globals, self.limits)
            _, changed = run_isolated(request, self.limits)
            context.clear()
            context.update(changed)
            return True
        context.update(self.globals)
        context.update(external_context)
        context["__builtins__"] = SAFE_BUILTINS
        try:
            self._run(compiled, context, exec)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        check_storable(context)
        return True

    def _run(self, compiled: CompiledCode, scope: dict[str, Any], runner: Callable[..., Any]) -> Any:
        budget = Budget(self.limits)
        scope.update(_static_guards(compiled.guards))
        scope[GUARD_PREFIX + "tick"] = budget.tick
        previous = enter(budget)
        numbers = decimal.getcontext()
        decimal.setcontext(bounded_context())  # Decimal arithmetic stays within DECIMAL_DIGITS
        try:
            result = runner(compiled.code, scope)
        except decimal.Overflow:  # its own message is a list of classes
            budget.refuse_memory(f"a Decimal result beyond 10^{DECIMAL_DIGITS}")
        finally:
            decimal.setcontext(numbers)
            leave(previous)
        if budget.expired:  # the code swallowed the timeout somehow; the run still failed
            budget.check_time()
        return result

    def _remove_globals_and_functions_from_context(
        self, context: dict[str, Any], external_context: dict[str, Any] | None = None
    ) -> None:
        """As TaskDataEnvironment: no builtins, callables, globals or external values stay in task data."""
        for key in list(context):
            if (
                key == "__builtins__"
                or key.startswith(GUARD_PREFIX)
                or callable(context[key])
                or key in self.globals
                or (external_context and key in external_context)
            ):
                context.pop(key)

    def check_for_overwrite(self, context: dict[str, Any], external_context: dict[str, Any]) -> None:
        """As TaskDataEnvironment: task data must not hide a predefined function (ValueError)."""
        overwrites = set(self.globals).intersection(context)
        overwrites.update(set(external_context).intersection(context))
        if overwrites:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change the following "
                f"variable or field name(s) to something else: {overwrites}"
            )


def make_script_engine(environment_globals: dict[str, Any] | None = None, **limits: Any) -> PythonScriptEngine:
    """A SpiffWorkflow script engine whose expressions and scripts all run in the sandbox."""
    return PythonScriptEngine(environment=SandboxedEnvironment(environment_globals, **limits))
