"""Start-up wiring of the nomination domain into the engine and stepping: explicit, never by import."""

from __future__ import annotations

from ..engine.service_tasks import register_service
from ..operations import step_config
from ..operations.guards import register_guard
from . import config, guards, handlers
from .documents import steps as document_steps


def install() -> None:
    """Register the domain's service handlers and guards, and hand stepping the dated calendar (idempotent)."""
    for name, handler in handlers.SERVICES.items():
        register_service(name)(handler)
    register_service("generate_document")(document_steps.generate_document)
    for name, guard in guards.GUARDS.items():
        register_guard(name)(guard)
    step_config.configure(calendar=config.calendar, working_days_param=config.working_days_param)
