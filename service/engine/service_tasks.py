"""Registered Python handlers for service tasks: diagrams name a handler, never carry code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]

_handlers: dict[str, Handler] = {}


class UnknownServiceHandler(LookupError):
    pass


def register_service(name: str) -> Callable[[Handler], Handler]:
    """Decorator: `@register_service("notify_units")` makes the function callable from diagrams.

    The handler receives the task data (a copy) and the evaluated parameters as keyword arguments
    and returns a JSON-serialisable value stored in the task's result variable.
    """

    def decorate(func: Handler) -> Handler:
        _handlers[name] = func
        return func

    return decorate


def get_handler(name: str) -> Handler:
    try:
        return _handlers[name]
    except KeyError:
        raise UnknownServiceHandler(f"no service handler registered under {name!r}") from None


def registered_names() -> list[str]:
    return sorted(_handlers)


@register_service("echo")
def _echo(data: dict, **params: Any) -> dict:
    """Returns its parameters: a harmless handler for demos and tests."""
    return {name: value for name, value in params.items()}
