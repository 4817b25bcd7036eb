"""Registered Python handlers for service tasks: diagrams name a handler, never carry code.

A handler receives a copy of the task data and the evaluated parameters, and returns a JSON value
stored in the task's result variable. Handlers that need the database or the instance read the
step context (`current_step()`), set by the operation that runs the engine step, so they work in
the caller's transaction like everything else in the step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Handler = Callable[..., Any]

_handlers: dict[str, Handler] = {}


class UnknownServiceHandler(LookupError):
    pass


@dataclass(frozen=True)
class StepContext:
    """What a handler may know about the step it runs in (opaque to the engine)."""

    session: Any
    instance_id: int | None
    actor_id: int | None
    now: datetime


_current: ContextVar[StepContext | None] = ContextVar("vinhdanh_step", default=None)


@contextmanager
def step_context(context: StepContext) -> Iterator[StepContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_step() -> StepContext:
    context = _current.get()
    if context is None:
        raise RuntimeError("no step context: service handlers run only inside an engine step")
    return context


def register_service(name: str) -> Callable[[Handler], Handler]:
    """Decorator: `@register_service("notify_units")` makes the function callable from diagrams."""

    def decorate(func: Handler) -> Handler:
        _handlers[name] = func
        return func

    return decorate


def get_handler(name: str) -> Handler:
    try:
        return _handlers[name]
    except KeyError:
        raise UnknownServiceHandler(f"no service handler registered under {name!r}") from None


@register_service("echo")
def _echo(data: dict, **params: Any) -> dict:
    """Returns its parameters: a harmless handler for demos and tests."""
    return dict(params)
