"""The inbox and the actions on a human task: claim, unclaim, complete, reassign."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select, union
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ..db import FastStatement, attach_loaded
from ..engine import runtime
from ..errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ..forms import FormDefinition, FormDefinitionError, merge_submission, validate_submission
from ..i18n import msg
from ..models import HumanTask, OrgUnit, ProcessInstance, ProcessVersion, TaskOffer, User
from ..permissions import (
    InboxShape,
    can_act_on_task,
    can_reassign_task,
    can_see_task,
    inbox_count,
    inbox_parts,
    inbox_shape,
    is_offered_to,
    offer_routes,
    route_params,
)
from . import audit, instance_control, lane_roles, stepping, task_views
from .guards import GuardContext, run_guards
from .task_views import TaskView
from .versions import LoadedVersion, load_version

TASK_NOT_FOUND = msg("Không tìm thấy công việc.")
ALREADY_DONE = msg("Công việc đã được xử lý.")


def list_tasks(session: Session, *, actor: User, process_key: str | None = None, instance_id: int | None = None,
               limit: int = 50, offset: int = 0) -> tuple[list[TaskView], int]:
    """Open tasks the actor may act on, oldest first."""
    routes = offer_routes(actor)
    shape = inbox_shape(routes, by_process=bool(process_key), by_instance=instance_id is not None)
    count, page = _inbox_statements(shape)
    params = route_params(routes) | {"process_key": process_key, "instance_id": instance_id,
                                     "window": offset + limit, "limit": limit, "offset": offset}
    session.flush()
    connection = session.connection()
    rows = connection.execute(page, params).all()
    if not rows:  # an empty page (or one past the end) still reports how many there are
        return [], connection.execute(count, params).scalar() or 0
    return [TaskView(*row[1:]) for row in rows], rows[0][0]


@functools.cache
def _inbox_statements(shape: InboxShape) -> tuple[Select, Select]:
    """For users of one shape (built once per shape): the count, and the page's task views each
    with the count beside them (one round trip for a page)."""
    parts = inbox_parts(shape)
    count = inbox_count(shape)
    # Each part is read in order from its index up to the page's end; only those rows are merged.
    firsts = union(*[
        select(select(part.subquery()).order_by("created_at", "id").limit(bindparam("window")).subquery())
        for part in parts
    ]).subquery()
    page = (select(firsts.c.id, firsts.c.created_at).order_by(firsts.c.created_at, firsts.c.id)
            .limit(bindparam("limit")).offset(bindparam("offset"))).subquery()
    views = task_views.of_page(page, count.scalar_subquery().label("total")).order_by(page.c.created_at, page.c.id)
    return count, views


def _lock(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def get_task(session: Session, *, actor: User, task_id: str, for_update: bool = False) -> HumanTask:
    """The task if the actor may see it; NotFound otherwise (its existence is not revealed)."""
    task = session.get(HumanTask, task_id, with_for_update=for_update and _lock(session))
    if task is None or not can_see_task(session, actor, task):
        raise NotFound(TASK_NOT_FOUND)
    return task


@dataclass
class TaskForm:
    definition: FormDefinition
    initial_data: dict


def task_metadata(session: Session, task: HumanTask) -> tuple[dict, LoadedVersion]:
    """The deployment metadata of a task's element, and its loaded version."""
    version = load_version(session, task.instance.process_version_id)
    return version.task_meta(task.process_key, task.element_id), version


def form_of(session: Session, task: HumanTask) -> FormDefinition:
    meta, version = task_metadata(session, task)
    return _form(version, meta, task)


@dataclass(frozen=True)
class TaskPage:
    """What a task's page shows, for every front end: the task, its form, the values the form starts
    with, the diagram's instructions for the step, and the language messages are given in."""

    task: HumanTask
    form: FormDefinition
    data: dict
    documentation: str | None
    locale: str


def task_page(session: Session, *, actor: User, task_id: str, locale: str = "vi") -> TaskPage:
    """The task (if the actor may see it) with its form and initial data; data only while it is open."""
    task = get_task(session, actor=actor, task_id=task_id)
    meta, version = task_metadata(session, task)
    data = dict(task.instance.data or {}) if task.state == "open" else {}
    return TaskPage(task=task, form=_form(version, meta, task), data=data,
                    documentation=(meta or {}).get("documentation"), locale=locale)


def _require_actionable(session: Session, actor: User, task: HumanTask) -> None:
    if task.state != "open":
        raise Conflict(ALREADY_DONE, code="task_not_open")
    if not can_act_on_task(session, actor, task):
        if task.assignee_id is not None and task.assignee_id != actor.id:
            raise Conflict(msg("Công việc đang do người khác nhận xử lý."), code="task_claimed")
        raise PermissionDenied(msg("Bạn không được xử lý công việc này."))


def claim(session: Session, *, actor: User, task_id: str) -> HumanTask:
    task = get_task(session, actor=actor, task_id=task_id, for_update=True)
    if task.assignee_id == actor.id and task.state == "open":
        return task
    _require_actionable(session, actor, task)
    task.assign(actor, claimed=True)
    audit.record(session, action="task.claimed", actor=actor.username, instance_id=task.instance_id,
                 element_id=task.element_id, task_name=task.name, details={"task_id": task.id})
    return task


def unclaim(session: Session, *, actor: User, task_id: str) -> HumanTask:
    task = get_task(session, actor=actor, task_id=task_id, for_update=True)
    if task.state != "open":
        raise Conflict(ALREADY_DONE, code="task_not_open")
    if not task.claimed or task.assignee_id != actor.id:
        raise Conflict(msg("Bạn không giữ công việc này."), code="not_claimed")
    task.assign(None, claimed=False)
    audit.record(session, action="task.unclaimed", actor=actor.username, instance_id=task.instance_id,
                 element_id=task.element_id, task_name=task.name, details={"task_id": task.id})
    return task


# Built once: completing a task is the hottest request, and building a statement costs more than
# sending it. One read brings the task with its offers (who it reaches; one row per offer) and its
# instance with the version's lane_roles_token (the step's new tasks then find the lane -> role
# mapping in the process's cache, lane_roles.role_lookup, instead of reading it), the unit's code and
# the starter's name the response shows: one statement and one round trip instead of two. It goes to
# the driver (FastStatement) and its rows become the session's objects (attach_loaded), as an ORM
# query would make them. Where rows are locked, the task's row and the instance's row are, in that
# order (the order of the FROM list, which PostgreSQL follows): the order every writer takes them in.
_tasks, _offers, _units = HumanTask.__table__, TaskOffer.__table__, OrgUnit.__table__
_instances, _versions, _users = ProcessInstance.__table__, ProcessVersion.__table__, User.__table__
_instance_unit, _starter = _units.alias("instance_unit"), _users.alias("starter")
_TASK_KEYS = tuple(column.key for column in _tasks.columns)
_OFFER_WIDTH = 4  # role_key, org_unit_id, user_id, the offered unit's parent_id
_INSTANCE_KEYS = tuple(column.key for column in _instances.columns)
_step_read = (select(*_tasks.columns, _offers.c.role_key, _offers.c.org_unit_id, _offers.c.user_id, _units.c.parent_id,
                     *_instances.columns, _versions.c.lane_roles_token, _instance_unit.c.code, _starter.c.username)
              .select_from(_tasks.join(_instances, _instances.c.id == _tasks.c.instance_id)
                           .join(_versions, _versions.c.id == _instances.c.process_version_id)
                           .outerjoin(_offers, _offers.c.task_id == _tasks.c.id)
                           .outerjoin(_units, _units.c.id == _offers.c.org_unit_id)
                           .outerjoin(_instance_unit, _instance_unit.c.id == _instances.c.org_unit_id)
                           .outerjoin(_starter, _starter.c.id == _instances.c.started_by_id))
              .where(_tasks.c.id == bindparam("task_id")))
_STEP = FastStatement(_step_read)
_STEP_LOCKED = FastStatement(_step_read.with_for_update(of=(_tasks, _instances)))


def _step_to_take(session: Session, actor: User, task_id: str) -> tuple[HumanTask, ProcessInstance, str | None]:
    """The open task the actor may act on and its instance, both row-locked where the database locks
    rows, and the version's lane-roles token; otherwise the right refusal."""
    session.flush()  # as a query's autoflush would: rows changed earlier in this request count
    rows = (_STEP_LOCKED if _lock(session) else _STEP).rows(session.connection(), {"task_id": task_id})
    if not rows:
        raise NotFound(TASK_NOT_FOUND)
    task_end = len(_TASK_KEYS)
    instance_start = task_end + _OFFER_WIDTH
    instance_end = instance_start + len(_INSTANCE_KEYS)
    first = rows[0]
    task = attach_loaded(session, HumanTask, dict(zip(_TASK_KEYS, first[:task_end], strict=True)))
    offers = [row[task_end:instance_start] for row in rows]
    if not can_act_on_task(session, actor, task, offers=offers):
        if not can_see_task(session, actor, task, offers=offers):
            raise NotFound(TASK_NOT_FOUND)
        _require_actionable(session, actor, task)
    instance = attach_loaded(session, ProcessInstance,
                             dict(zip(_INSTANCE_KEYS, first[instance_start:instance_end], strict=True)))
    token, unit_code, starter_name = first[instance_end:]
    # As `joinedload(...).load_only(code / username)` would: the related objects with those columns,
    # the rest loaded on first use.
    unit = attach_loaded(session, OrgUnit, {"id": instance.org_unit_id, "code": unit_code})
    set_committed_value(instance, "org_unit", unit)
    starter = None
    if instance.started_by_id is not None:
        starter = attach_loaded(session, User, {"id": instance.started_by_id, "username": starter_name})
    set_committed_value(instance, "started_by", starter)
    return task, instance, token


def _form(version: LoadedVersion, meta: dict, task: HumanTask) -> FormDefinition:
    return _element_form(version, meta, task.element_id)


def form_of_element(session: Session, instance: ProcessInstance, process_key: str, element_id: str) -> FormDefinition:
    """The form of any human task of an instance's version (an earlier step's, say)."""
    version = load_version(session, instance.process_version_id)
    return _element_form(version, version.task_meta(process_key, element_id), element_id)


def _element_form(version: LoadedVersion, meta: dict, element_id: str) -> FormDefinition:
    # The fingerprint names the deployed content, so validation schemas are built once per form.
    fingerprint = f"{version.content_hash}:{version.id}:{element_id}"
    missing = None
    if meta.get("form_ref"):
        schema = version.forms.get(meta["form_ref"])
        if schema is not None:
            return FormDefinition(type="form-js", schema=schema, fingerprint=fingerprint)
        missing = meta["form_ref"]  # deployed with a warning: a generic form stands in
    if meta.get("form_data"):
        return FormDefinition(type="camunda-formdata", schema=meta["form_data"], fingerprint=fingerprint,
                              missing_form_key=missing)
    return FormDefinition(type="none", schema=None, missing_form_key=missing)


def complete(session: Session, *, actor: User, task_id: str, data: dict,
             expected_version: int | None = None, locale: str = "vi") -> stepping.StepOutcome:
    """Validate the data against the task's form, complete the task and advance the instance."""
    task, instance, lane_roles_token = _step_to_take(session, actor, task_id)
    lane_roles.note_token(session, instance.process_version_id, lane_roles_token)
    version = load_version(session, instance.process_version_id)
    meta = version.task_meta(task.process_key, task.element_id)
    try:
        clean = validate_submission(_form(version, meta, task), data, locale=locale)
    except FormDefinitionError as exc:
        raise InvalidState(msg("Biểu mẫu của bước này bị lỗi: {exc}", exc=exc)) from None
    run_guards((meta.get("properties") or {}).get("guard"),
               GuardContext(session=session, instance=instance, task=task, actor=actor, submitted=clean))
    if expected_version is not None and instance.lock_version != expected_version:
        raise Conflict(msg("Hồ sơ đã thay đổi; hãy tải lại."), code="stale_version")
    if instance.status not in ("running", "waiting"):
        if instance.status == "suspended":
            raise Conflict(instance_control.suspended_message(instance), code="instance_suspended")
        raise InvalidState(msg("Hồ sơ không còn chạy."))
    try:
        with stepping.running(session, instance, actor):
            result = runtime.complete_task(instance.state, version.specs[instance.process_key],
                                           version.subprocess_specs, task.id, clean, merge=merge_submission)
    except runtime.TaskNotReady:
        raise Conflict(ALREADY_DONE, code="task_not_open") from None
    audit.record(session, action="task.completed", actor=actor.username, instance=instance,
                 element_id=task.element_id, task_name=task.name,
                 details={"task_id": task.id, "data": clean})
    open_tasks = stepping.apply_result(session, instance, result, actor=actor, completed=task)
    return stepping.StepOutcome(instance, open_tasks)


def reassign(session: Session, *, actor: User, task_id: str, username: str | None, reason: str = "") -> HumanTask:
    """Give a task to another user (administrators only; they still may not complete it)."""
    if not can_reassign_task(actor):
        raise NotFound(TASK_NOT_FOUND)
    task = session.get(HumanTask, task_id, with_for_update=_lock(session))
    if task is None:
        raise NotFound(TASK_NOT_FOUND)
    if task.state != "open":
        raise Conflict(ALREADY_DONE, code="task_not_open")
    target = None
    if username:
        target = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if target is None:
            raise NotFound(msg("Không tìm thấy người dùng."))
        # Only to someone the task could be offered to: an administrator cannot hand it to itself
        # (and then complete it), nor to a user of another unit without the role.
        if not is_offered_to(session, target, task):
            raise ValidationFailed(msg("Người này không được giao việc này."), details={"fields": {"username": [
                msg("Người dùng không có vai trò và phạm vi của việc này.")]}})
    previous = task.assignee.username if task.assignee else None
    task.assign(target, claimed=target is not None)
    audit.record(session, action="task.reassigned", actor=actor.username, instance_id=task.instance_id,
                 element_id=task.element_id, task_name=task.name,
                 details={"task_id": task.id, "from": previous, "to": username, "reason": reason})
    return task
