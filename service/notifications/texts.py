"""A notification's words in the reader's language: a title, a body and the page it points to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..calendar.working_days import VIETNAM_TZ
from ..i18n import msg


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    path: str  # the page, relative to the service's base URL


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(VIETNAM_TZ) if value is not None else None


def render(kind: str, params: dict, *, locale: str, task_id: str | None = None, task_name: str | None = None,
           due_at: datetime | None = None, instance_id: int | None = None) -> Rendered:
    """Title, body and link of one notification (`task_*` kinds read the task's name and deadline)."""
    task = task_name or ""
    due = _local(due_at)
    task_path = f"/tasks/{task_id}" if task_id else "/notifications"
    dossier_path = f"/instances/{instance_id}" if instance_id else "/notifications"
    unit = params.get("unit_name") or ""
    if kind == "task_offered":
        title, body, path = (msg("Việc mới: {task}", task=task),
                             msg("Bạn có việc mới «{task}» cần xử lý.", task=task), task_path)
    elif kind == "task_due":
        title, body, path = (msg("Sắp đến hạn: {task}", task=task),
                             msg("Việc «{task}» đến hạn ngày {due:%d/%m/%Y}.", task=task, due=due), task_path)
    elif kind == "task_overdue":
        title, body, path = (msg("Quá hạn: {task}", task=task),
                             msg("Việc «{task}» đã quá hạn từ ngày {due:%d/%m/%Y}.", task=task, due=due), task_path)
    elif kind == "dossier_returned":
        title, body, path = (msg("Hồ sơ bị trả lại: {unit}", unit=unit),
                             msg("Hồ sơ của {unit} bị trả lại để bổ sung. Lý do: {reason}", unit=unit,
                                 reason=params.get("reason") or ""), dossier_path)
    elif kind == "dossier_rejected":
        title, body, path = (msg("Hồ sơ không được chấp nhận: {unit}", unit=unit),
                             msg("Hồ sơ của {unit} không được chấp nhận. Lý do: {reason}", unit=unit,
                                 reason=params.get("reason") or ""), dossier_path)
    elif kind == "dossier_decided":
        title, body, path = (msg("Đã có quyết định khen thưởng: {unit}", unit=unit),
                             msg("Hồ sơ của {unit} đã có quyết định; số được khen thưởng: {awarded}.", unit=unit,
                                 awarded=params.get("awarded", 0)), dossier_path)
    else:
        title, body, path = msg("Thông báo"), msg("Thông báo"), "/notifications"
    return Rendered(title=title.in_locale(locale), body=body.in_locale(locale), path=path)
