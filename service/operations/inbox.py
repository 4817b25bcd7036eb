"""The inbox as the pages show it: three tabs, rows with their subject, round, unit and deadline,
filters, sort and pages, and claiming several tasks at once.

"Việc của tôi" lists the open tasks assigned to the actor, "Việc của nhóm" the unassigned ones
offered to their roles in their scope (the API's list without the assigned part) and "Đã xử lý" the
tasks they completed. Which tasks reach whom is answered by `permissions`, never here.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, Select, String, Text, bindparam, cast, func, or_, select, union, union_all
from sqlalchemy.orm import Session

from ..calendar import WorkingCalendar
from ..calendar.working_days import VIETNAM_TZ
from ..errors import DomainError, ValidationFailed
from ..i18n import msg
from ..models import AwardRound, HumanTask, OrgUnit, ProcessInstance, ProcessVersion, User
from ..permissions import inbox_count, inbox_parts, inbox_shape, offer_routes, route_params
from . import tasks
from .deadlines import Deadline, deadline_of, due_within_bound

Tab = Literal["mine", "group", "done"]
TABS: tuple[Tab, ...] = ("mine", "group", "done")
SORTS = ("received", "-received", "due", "-due")
PER_PAGE = 25
MAX_BULK = 100
# Instance data keys that name what a task is about, most specific first (any process may set them).
SUBJECT_KEYS = ("subject", "title", "nominee_name", "dossier_title", "unit_name")


@dataclass(frozen=True)
class InboxFilters:
    process_key: str | None = None
    round_code: str | None = None
    unit_code: str | None = None
    element_id: str | None = None  # the step
    overdue: bool = False
    due_within: int | None = None  # working days
    text: str | None = None

    def any(self) -> bool:
        return any((self.process_key, self.round_code, self.unit_code, self.element_id, self.overdue,
                    self.due_within is not None, self.text))


@dataclass(frozen=True)
class InboxRow:
    task_id: str
    name: str
    element_id: str
    process_key: str
    process_name: str
    instance_id: int
    subject: str | None
    dossier_id: int | None
    round_code: str | None
    unit_name: str | None
    received_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    assignee: str | None
    claimed: bool
    deadline: Deadline | None


@dataclass
class InboxPage:
    tab: Tab
    rows: list[InboxRow]
    total: int
    page: int
    per_page: int
    sort: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def subject_of(data: dict | None) -> tuple[str | None, int | None]:
    """What a task is about, from its instance's data: a named subject, else a dossier number."""
    data = data or {}
    for key in SUBJECT_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip(), None
    dossier = data.get("dossier_id")
    return None, dossier if isinstance(dossier, int) else None


# --- which tasks ---------------------------------------------------------------------------------


def _group_ids(shape) -> Select:
    """Ids (and received time) of the unassigned open tasks offered to a user of this shape (with
    repeats: the membership test they serve needs no de-duplicated list)."""
    return union_all(*inbox_parts(shape)[:-1])


@functools.cache
def _group_page(shape) -> Select:
    """The group tab's first rows in received order, each part read in index order up to the page's
    end (the API inbox's plan, without the assigned part): 10,000 offers cost one page's rows."""
    firsts = union(*[
        select(select(part.subquery()).order_by("created_at", "id").limit(bindparam("window")).subquery())
        for part in inbox_parts(shape)[:-1]
    ]).subquery()
    return (select(firsts.c.id).order_by(firsts.c.created_at, firsts.c.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))


def _task_filters(filters: InboxFilters, today: date, calendar: WorkingCalendar) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.process_key:
        conditions.append(HumanTask.process_key == filters.process_key)
    if filters.element_id:
        conditions.append(HumanTask.element_id == filters.element_id)
    if filters.unit_code:
        conditions.append(ProcessInstance.org_unit_id.in_(select(OrgUnit.id).where(OrgUnit.code == filters.unit_code)))
    if filters.round_code:
        conditions.append(ProcessInstance.data["round_code"].as_string() == filters.round_code)
    start_of_today = datetime.combine(today, time.min, VIETNAM_TZ)
    if filters.overdue:
        conditions.append(HumanTask.due_at < start_of_today)
    if filters.due_within is not None:
        last = due_within_bound(today, filters.due_within, calendar)
        conditions.append(HumanTask.due_at < datetime.combine(last + timedelta(days=1), time.min, VIETNAM_TZ))
    if filters.text:
        conditions.append(_text_condition(filters.text.strip()))
    return conditions


def _text_condition(text: str) -> ColumnElement[bool]:
    """Free text in the task's name, the unit's name, the instance number or any value of the instance's
    data (the dossier, nominee, round...). The data is searched as its stored JSON text, with the words
    escaped the way they are stored: parsing every row's JSON per key costs ten times more. Case folding
    is ASCII-only in SQLite ("Đ" stays "Đ"), so the usual spellings are tried as well."""
    # Both sides go through lower(), so spellings that differ only in ASCII letters' case (all SQLite's
    # lower() folds) match the same rows: each is tried once.
    spellings = {_ascii_lower(spelling): spelling for spelling in (text, text.lower(), text.capitalize())}.values()
    plain = [HumanTask.name, OrgUnit.name, cast(ProcessInstance.id, String)]
    data = cast(ProcessInstance.data, Text)
    # Rows written before service/jsontext.py hold non-ASCII letters as \u escapes; rows written since, as
    # UTF-8: a word with diacritics is looked for in both forms.
    stored = {form for spelling in spellings
              for form in (json.dumps(spelling)[1:-1], json.dumps(spelling, ensure_ascii=False)[1:-1])}
    return or_(*(column.icontains(spelling, autoescape=True) for column in plain for spelling in spellings),
               *(data.icontains(form, autoescape=True) for form in sorted(stored)))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def _base(tab: Tab, actor: User, shape, *, with_instance: bool = True) -> tuple[Select, dict]:
    """Task ids of the tab; joined to the instance and its unit when filters read them."""
    query = select(HumanTask.id)
    if with_instance:
        query = (query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                 .join(OrgUnit, OrgUnit.id == ProcessInstance.org_unit_id))
    params: dict = {}
    if tab == "mine":
        query = query.where(HumanTask.assignee_id == actor.id, HumanTask.state == "open")
    elif tab == "done":
        query = query.where(HumanTask.completed_by_id == actor.id, HumanTask.state == "completed")
    else:
        # A membership test rather than a join: the task table can then be read in the page's order
        # (by its due-date index) and stop at the page's end.
        query = query.where(HumanTask.id.in_(select(_group_ids(shape).subquery().c.id)))
        # SQLite without statistics would read each task's row by the primary key's index instead.
        query = query.with_hint(HumanTask, "INDEXED BY ix_human_tasks_id_instance_dates", "sqlite")
        params = route_params(offer_routes(actor))
    return query, params


_ORDER = {
    "received": (HumanTask.created_at, HumanTask.id),
    "-received": (HumanTask.created_at.desc(), HumanTask.id.desc()),
    "due": (HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id),
    "-due": (HumanTask.due_at.is_(None), HumanTask.due_at.desc(), HumanTask.id.desc()),
}


def _page_ids(session: Session, actor: User, tab: Tab, filters: InboxFilters, sort: str, limit: int, offset: int,
              today: date, calendar: WorkingCalendar, counts: dict[str, int] | None) -> tuple[list[str], int]:
    routes = offer_routes(actor)
    shape = inbox_shape(routes)
    unfiltered = not filters.any()
    if tab == "group" and sort == "received" and unfiltered:
        params = route_params(routes) | {"window": offset + limit, "limit": limit, "offset": offset}
        ids = list(session.scalars(_group_page(shape), params))
        total = counts["group"] if counts else group_count(session, actor=actor)
        return ids, total
    query, params = _base(tab, actor, shape, with_instance=bool(filters.unit_code or filters.round_code
                                                                  or filters.text))
    query = query.where(*_task_filters(filters, today, calendar))
    if tab == "done" and sort == "received":
        sort = "-received"  # what one did last comes first
    page = query.order_by(*_ORDER[sort]).limit(limit).offset(offset)
    if unfiltered and counts and tab in counts:
        return list(session.scalars(page, params)), counts[tab]
    # The total with the page, counted over the same matching rows (a window over them all, taken
    # before the LIMIT): a filter that reads every candidate's instance runs once, not twice.
    rows = session.execute(page.add_columns(func.count().over()), params).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    if offset == 0:
        return [], 0
    # A page past the end: only a separate count tells how many there are.
    return [], session.scalar(select(func.count()).select_from(query.subquery()), params) or 0


# --- counts --------------------------------------------------------------------------------------


def mine_count(session: Session, *, actor: User) -> int:
    return session.scalar(select(func.count()).select_from(HumanTask)
                          .where(HumanTask.assignee_id == actor.id, HumanTask.state == "open")) or 0


def group_count(session: Session, *, actor: User) -> int:
    """Unassigned open tasks offered to the actor: the API inbox's count less the assigned ones."""
    routes = offer_routes(actor)
    both = session.scalar(inbox_count(inbox_shape(routes)), route_params(routes)) or 0
    return max(both - mine_count(session, actor=actor), 0)


def inbox_counts(session: Session, *, actor: User) -> dict[str, int]:
    """Open tasks per tab, for the navigation (the "done" tab is not counted: it only grows)."""
    mine = mine_count(session, actor=actor)
    routes = offer_routes(actor)
    both = session.scalar(inbox_count(inbox_shape(routes)), route_params(routes)) or 0
    return {"mine": mine, "group": max(both - mine, 0)}


# --- rows ----------------------------------------------------------------------------------------


_ROWS = (
    select(HumanTask.id, HumanTask.name, HumanTask.element_id, HumanTask.process_key, ProcessVersion.name,
           HumanTask.instance_id, ProcessInstance.data, OrgUnit.name, HumanTask.created_at, HumanTask.due_at,
           HumanTask.completed_at, User.full_name, HumanTask.claimed, HumanTask.state)
    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
    .join(OrgUnit, OrgUnit.id == ProcessInstance.org_unit_id)
    .outerjoin(User, User.id == HumanTask.assignee_id)
    .where(HumanTask.id.in_(bindparam("ids", expanding=True)))
)


def _rows(session: Session, ids: list[str], today: date, calendar: WorkingCalendar) -> list[InboxRow]:
    if not ids:
        return []
    found = {}
    for row in session.execute(_ROWS, {"ids": ids}):
        subject, dossier_id = subject_of(row[6])
        data = row[6] or {}
        open_ = row[13] == "open"
        found[row[0]] = InboxRow(
            task_id=row[0], name=row[1], element_id=row[2], process_key=row[3], process_name=row[4],
            instance_id=row[5], subject=subject, dossier_id=dossier_id, round_code=data.get("round_code"),
            unit_name=row[7], received_at=row[8], due_at=row[9], completed_at=row[10], assignee=row[11],
            claimed=row[12], deadline=deadline_of(row[9], today=today, calendar=calendar) if open_ else None)
    return [found[task_id] for task_id in ids if task_id in found]


def inbox_page(session: Session, *, actor: User, tab: Tab = "mine", filters: InboxFilters | None = None,
               sort: str = "received", page: int = 1, per_page: int = PER_PAGE, today: date,
               calendar: WorkingCalendar, counts: dict[str, int] | None = None) -> InboxPage:
    """One page of a tab of the actor's inbox, with deadlines counted on `calendar` as seen on `today`
    (`counts`: the actor's `inbox_counts` when the caller has them, so they are not read twice)."""
    if tab not in TABS:
        raise ValidationFailed(msg("Mục hộp công việc không hợp lệ."), details={"fields": {"tab": ["invalid"]}})
    if sort not in SORTS:
        sort = "received"
    filters = filters or InboxFilters()
    page = max(page, 1)
    ids, total = _page_ids(session, actor, tab, filters, sort, per_page, (page - 1) * per_page, today, calendar,
                           counts)
    return InboxPage(tab=tab, rows=_rows(session, ids, today, calendar), total=total, page=page,
                     per_page=per_page, sort=sort)


@dataclass(frozen=True)
class FilterChoices:
    processes: list[tuple[str, str]]
    steps: list[tuple[str, str]]
    units: list[tuple[str, str]]
    rounds: list[str]


def filter_choices(session: Session, *, actor: User, process_key: str | None = None) -> FilterChoices:
    """The values the filters offer, from small tables (never from the actor's thousands of tasks):
    deployed processes, the steps of the chosen one, units in the actor's scope, award rounds."""
    latest = (select(ProcessVersion.process_key, func.max(ProcessVersion.id).label("id"))
              .group_by(ProcessVersion.process_key).subquery())
    versions = session.execute(select(ProcessVersion.process_key, ProcessVersion.name, ProcessVersion.task_metadata)
                               .join(latest, latest.c.id == ProcessVersion.id)).all()
    processes = sorted(((key, name) for key, name, _ in versions), key=lambda p: p[1])
    steps: list[tuple[str, str]] = []
    for key, _, metadata in versions:
        if key == process_key:
            steps = sorted({(element, meta.get("name") or element)
                            for element, meta in ((metadata or {}).get(key) or {}).items()}, key=lambda s: s[1])
    units_query = select(OrgUnit.code, OrgUnit.name).order_by(OrgUnit.name)
    routes = offer_routes(actor)
    if not routes.any_roles and actor.org_unit_id is not None:
        units_query = units_query.where(or_(OrgUnit.id == actor.org_unit_id, OrgUnit.parent_id == actor.org_unit_id))
    units = [(code, name) for code, name in session.execute(units_query.limit(500))]
    rounds = list(session.scalars(select(AwardRound.code).order_by(AwardRound.code.desc()).limit(100)))
    return FilterChoices(processes=processes, steps=steps, units=units, rounds=rounds)


@dataclass(frozen=True)
class BulkOutcome:
    claimed: list[str]
    refused: dict[str, str]  # task id -> message


def bulk_claim(session: Session, *, actor: User, task_ids: list[str]) -> BulkOutcome:
    """Claim several tasks; each is claimed or refused on its own (a refusal changes nothing of it)."""
    if len(task_ids) > MAX_BULK:
        raise ValidationFailed(msg("Chọn tối đa {count} công việc.", count=MAX_BULK),
                               details={"fields": {"task_ids": ["too_many"]}})
    claimed, refused = [], {}
    for task_id in dict.fromkeys(task_ids):
        try:
            with session.begin_nested():
                tasks.claim(session, actor=actor, task_id=task_id)
            claimed.append(task_id)
        except DomainError as exc:
            refused[task_id] = exc.message
    return BulkOutcome(claimed, refused)
