"""Completion guards: checks a user task names (property `guard`) that run before it completes.

A guard sees the session, the instance, the actor and the validated submission, and raises a domain
error (ValidationFailed, InvalidState…) to refuse — so a late submission, say, gets a clear error
and nothing changes. Several guards may be named, comma-separated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ..errors import InvalidState
from ..i18n import msg
from ..models import HumanTask, ProcessInstance, User


@dataclass(frozen=True)
class GuardContext:
    session: Session
    instance: ProcessInstance
    task: HumanTask
    actor: User
    submitted: dict[str, Any]


Guard = Callable[[GuardContext], None]

_guards: dict[str, Guard] = {}


def register_guard(name: str) -> Callable[[Guard], Guard]:
    def decorate(func: Guard) -> Guard:
        _guards[name] = func
        return func

    return decorate


def run_guards(spec: str | None, context: GuardContext) -> None:
    """Run each named guard; an unknown name is a model error and refuses the completion."""
    for name in [part.strip() for part in (spec or "").split(",") if part.strip()]:
        guard = _guards.get(name)
        if guard is None:
            raise InvalidState(msg("Bước này dùng kiểm tra '{name}' chưa được đăng ký.", name=name))
        guard(context)
