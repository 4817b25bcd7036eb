"""Chuyển xử lý from monitoring: the open tasks of an instance and the people each may go to (those its offer
reaches: the role in the task's unit or scope, or a named candidate); the move itself is tasks.reassign
(audited with its reason)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, ValidationFailed
from ..i18n import msg
from ..models import HumanTask, OrgUnit, ProcessInstance, Role, TaskOffer, User
from ..permissions import can_reassign_task, offer_routes
from . import tasks
from .modeling import can_view_processes


def _instance(session: Session, actor: User, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or not can_view_processes(actor):
        raise NotFound(msg("Không tìm thấy trang."))
    return instance


def eligible_users(session: Session, task: HumanTask) -> list[User]:
    """Active users the task's offer reaches, by name."""
    parent_id = session.scalar(select(OrgUnit.parent_id).where(OrgUnit.id == task.org_unit_id)) \
        if task.org_unit_id else None
    named = set(session.scalars(select(TaskOffer.user_id).where(TaskOffer.task_id == task.id,
                                                                TaskOffer.user_id.isnot(None))))
    query = select(User).where(User.active.is_(True))
    if task.role_key:
        query = query.where((User.id.in_(named)) | User.roles.any(Role.key == task.role_key))
    else:
        query = query.where(User.id.in_(named))
    return [user for user in session.scalars(query.order_by(User.full_name))
            if user.id in named or offer_routes(user).reaches(task.role_key, task.org_unit_id, None, parent_id)]


def open_tasks(session: Session, *, actor: User, instance_id: int) -> list[tuple[HumanTask, list[User]]]:
    """An instance's open tasks, each with the people it may be given to."""
    instance = _instance(session, actor, instance_id)
    found = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "open")
                            .order_by(HumanTask.created_at))
    return [(task, eligible_users(session, task)) for task in found]


def reassign(session: Session, *, actor: User, task_id: str, username: str, reason: str) -> HumanTask:
    """Give an open task to an eligible person, with a reason (audited by tasks.reassign)."""
    task = session.get(HumanTask, task_id)
    if task is None or not can_reassign_task(actor):
        raise NotFound(msg("Không tìm thấy trang."))
    errors = {}
    if not reason.strip():
        errors["reason"] = [msg("Vui lòng nhập lý do chuyển xử lý.")]
    if username not in {user.username for user in eligible_users(session, task)}:
        errors["username"] = [msg("Người này không xử lý được công việc này.")]
    if errors:
        raise ValidationFailed(msg("Chưa chuyển xử lý được."), details={"fields": errors})
    return tasks.reassign(session, actor=actor, task_id=task_id, username=username, reason=reason.strip())
