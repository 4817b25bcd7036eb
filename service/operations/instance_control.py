"""An administrator's hand on one instance's execution: suspend and resume it, or skip the element it failed on.

A suspended instance keeps its open tasks, timers and subscriptions but nothing moves it: completions are
refused with the reason (service/operations/tasks.py), its timers are not picked by the worker
(service/operations/timers.py) and messages pass it by (only running and waiting instances receive them).
On resume it goes back to the status it had; a timer that came due meanwhile fires at the worker's next pass.

Each change is a versioned write of the instance row: a completion racing with it loses with a conflict
instead of stepping an instance that was just suspended.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..db import utcnow
from ..engine import runtime
from ..errors import InvalidState, PermissionDenied, ValidationFailed
from ..i18n import Message, msg
from ..models import ProcessInstance, User
from ..permissions import is_process_admin, is_system_admin
from . import audit, stepping
from .instances import _instance_to_administer

SUSPENDABLE = ("running", "waiting", "error")
REASON_MAX = 1000
REASON_REQUIRED = msg("Vui lòng nhập lý do.")


def suspended_message(instance: ProcessInstance) -> Message:
    """Why the instance does not move now (what a refused completion says)."""
    return msg("Hồ sơ đang tạm dừng: {reason}", reason=(instance.suspension or {}).get("reason") or "")


def _administered(session: Session, actor: User, instance_id: int) -> ProcessInstance:
    instance = _instance_to_administer(session, actor, instance_id)
    if not (is_process_admin(actor) or is_system_admin(actor)):
        raise PermissionDenied(msg("Bạn không có quyền thực hiện thao tác này."))
    return instance


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(REASON_REQUIRED, details={"fields": {"reason": [REASON_REQUIRED]}})
    return reason[:REASON_MAX]


def suspend(session: Session, *, actor: User, instance_id: int, reason: str | None) -> ProcessInstance:
    """Stop the instance where it is until resumed; the reason is kept on it and in its history."""
    reason = _reason(reason)
    instance = _administered(session, actor, instance_id)
    if instance.status == "suspended":
        raise InvalidState(msg("Hồ sơ đã đang tạm dừng."))
    if instance.status not in SUSPENDABLE:
        raise InvalidState(msg("Hồ sơ đã kết thúc."))
    instance.suspension = {"reason": reason, "by": actor.username, "at": utcnow().isoformat(),
                           "resume_status": instance.status}
    instance.status = "suspended"
    instance.updated_at = utcnow()
    audit.record(session, action="instance.suspended", actor=actor.username, instance_id=instance.id,
                 details={"reason": reason})
    session.flush()  # the versioned UPDATE now: a step that read the instance before this loses its race
    return instance


def resume(session: Session, *, actor: User, instance_id: int, reason: str | None) -> ProcessInstance:
    """Let a suspended instance move again, in the status it had."""
    reason = _reason(reason)
    instance = _administered(session, actor, instance_id)
    if instance.status != "suspended":
        raise InvalidState(msg("Hồ sơ không ở trạng thái tạm dừng."))
    instance.status = (instance.suspension or {}).get("resume_status") or "running"
    instance.suspension = None
    instance.updated_at = utcnow()
    audit.record(session, action="instance.resumed", actor=actor.username, instance_id=instance.id,
                 details={"reason": reason})
    session.flush()
    return instance


def skip(session: Session, *, actor: User, instance_id: int, reason: str | None) -> ProcessInstance:
    """For an instance in error: mark the element that failed as done, without running it again, and run on."""
    reason = _reason(reason)
    instance = _administered(session, actor, instance_id)
    if instance.status != "error":
        raise InvalidState(msg("Chỉ bỏ qua được bước của hồ sơ đang lỗi."))
    spec, subs = stepping.spec_for(session, instance)
    try:
        with stepping.running(session, instance, actor):
            result, skipped = runtime.skip(instance.state, spec, subs)
    except runtime.NothingToSkip:
        raise InvalidState(msg("Hồ sơ không có bước nào bị lỗi để bỏ qua; hãy sửa dữ liệu rồi chạy lại.")) from None
    for element in skipped:
        audit.record(session, action="element.skipped", actor=actor.username, instance_id=instance.id,
                     element_id=element["element_id"], task_name=element["name"], details={"reason": reason})
    stepping.apply_result(session, instance, result, actor=actor)
    return instance
