"""Start-up wiring of the nomination domain into the engine and stepping: explicit, never by import."""

from __future__ import annotations

from ..engine.service_tasks import register_service
from ..operations import step_config
from ..operations.guards import register_guard
from . import config, guards, handlers


def install() -> None:
    """Register the domain's service handlers and guards, and hand stepping the dated calendar (idempotent)."""
    from ..operations import document_steps  # renders and stores documents; numbering lives in the domain

    for name, handler in handlers.SERVICES.items():
        register_service(name)(handler)
    register_service("generate_document")(document_steps.generate_document)
    for name, guard in guards.GUARDS.items():
        register_guard(name)(guard)
    step_config.configure(calendar=config.calendar, working_days_param=config.working_days_param)
