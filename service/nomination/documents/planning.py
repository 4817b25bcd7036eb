"""Which documents a `generate_document` step of a nomination kind renders: one builder per step kind."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...errors import InvalidState
from ...i18n import msg
from ...models import User
from . import contexts, minutes_reports
from .contexts import PlannedDocument, StepInput

BUILDERS = {
    "HD": contexts.guidance_documents,
    "TTr_unit": contexts.unit_submission_documents,
    "BB": minutes_reports.council_minutes,
    "BC": minutes_reports.reports,
    "TTr_lead": contexts.consolidated_documents,
    "TTr_home_affairs": contexts.home_affairs_documents,
    "QD": contexts.decision_documents,
    "TTr_state": contexts.state_documents,
}


def build_step_documents(session: Session, *, step_kind: str, data: dict, numbering: dict, actor: User | None,
                         instance_id: int, params: dict | None = None) -> list[PlannedDocument]:
    """The documents a `generate_document` step of `step_kind` renders, with their contexts and who signs them."""
    builder = BUILDERS.get(step_kind)
    if builder is None:
        raise InvalidState(msg("Loại văn bản không hỗ trợ: {step_kind!r}.", step_kind=step_kind))
    step = StepInput(data=data, numbering=numbering, actor=actor, instance_id=instance_id, params=params or {})
    planned = builder(session, step)
    return [PlannedDocument(item.kind, item.subject, {"signed_by": step.signed_by, **item.context}, item.sign)
            for item in planned]
