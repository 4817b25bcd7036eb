"""Writing notifications where things happen, in the event's own transaction.

Tasks: `tasks_offered` is called by every engine step that opens tasks and adds ONE statement (an
INSERT … SELECT) to that step; `sweep_deadlines` writes "due soon" (once per task) and "overdue"
(once per task and day) for all open tasks in two set-based statements. Dossiers: `dossier_event`
tells the officer who made a dossier that it was returned (with the reason) or decided.

Each row's `email_state` follows the recipient's preference (immediate → pending, digest, none), so
the e-mail outbox is the same row and is written in the same transaction as the notification.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.orm import Session

from ..db import FastStatement, utcnow
from ..models import (
    Dossier,
    HumanTask,
    Notification,
    NotificationPreference,
    OrgUnit,
    Role,
    TaskOffer,
    User,
    user_roles,
)

_n = Notification.__table__
_t = HumanTask.__table__
_o = TaskOffer.__table__
_u = User.__table__
_p = NotificationPreference.__table__
_r = Role.__table__
_units = OrgUnit.__table__

DUE_SOON_PARAM = "notification_due_within_days"  # dated parameter: "due within N working days"
DUE_SOON_DEFAULT = 3


def _recipients(task_condition, tasks=_t, offers=_o, offer_condition=None) -> union:
    """(task_id, user_id) of everyone a task reaches: its assignee, or the users its available offers
    reach (directly, or by a role in the offer's scope: the rule of permissions._route_conditions).

    `tasks` and `offers` are the tables, or rows just inserted with the same columns. The offers are
    those of the tasks `task_condition` selects, or with `offer_condition`, those it selects itself
    (the offers are then read by their own index, without the task).
    """
    assigned = select(tasks.c.id.label("task_id"), tasks.c.assignee_id.label("user_id")).where(
        task_condition, tasks.c.assignee_id.is_not(None))
    available = offers.c.available
    if offer_condition is None:
        source, offer_condition = offers.join(tasks, tasks.c.id == offers.c.task_id), task_condition
    else:
        source = offers
        if offers is _o:
            # Not a bare column: SQLite would otherwise read the offers by an inbox index led by
            # `available` (every available offer) instead of the few of these tasks by their task id.
            available = func.coalesce(available, false())
    direct = select(offers.c.task_id, offers.c.user_id).select_from(source).where(
        offer_condition, available, offers.c.user_id.is_not(None))
    children = select(_units.c.id).where(_units.c.parent_id == _u.c.org_unit_id)
    by_role = (select(offers.c.task_id, _u.c.id)
               .select_from(source.join(_r, _r.c.key == offers.c.role_key)
                            .join(user_roles, user_roles.c.role_id == _r.c.id)
                            .join(_u, _u.c.id == user_roles.c.user_id))
               .where(offer_condition, available, or_(
                   _r.c.scope == "any",
                   and_(_r.c.scope == "unit", offers.c.org_unit_id == _u.c.org_unit_id),
                   and_(_r.c.scope == "parent_unit", offers.c.org_unit_id.in_(children.scalar_subquery())))))
    return union(assigned, direct, by_role)


def _email_state():
    """The outbox state a new notification starts in, from the recipient's address and preference."""
    mode = func.coalesce(_p.c.email_mode, "immediate")
    return case((or_(_u.c.email.is_(None), _u.c.email == ""), "none"),
                (mode == "immediate", "pending"), (mode == "digest", "digest"), else_="none")


def _insert_for(kind: str, task_condition, key_suffix=None, extra_condition=None, tasks=_t, offers=_o,
                offer_condition=None):
    """INSERT … SELECT one notification of `kind` per (task, recipient) the conditions select."""
    pairs = _recipients(task_condition, tasks, offers, offer_condition).subquery("pairs")
    key = literal(f"{kind}:", String) + pairs.c.task_id
    if key_suffix is not None:
        key = key + key_suffix
    query = (select(pairs.c.user_id, literal(kind, String), key, pairs.c.task_id, literal({}, JSON),
                    bindparam("now", type_=_n.c.created_at.type), _email_state(), literal(0),
                    bindparam("now", type_=_n.c.created_at.type))
             .select_from(pairs.join(_u, _u.c.id == pairs.c.user_id).outerjoin(_p, _p.c.user_id == _u.c.id))
             .where(_u.c.active))
    if extra_condition is not None:
        query = query.where(~exists().where(_n.c.user_id == pairs.c.user_id, _n.c.dedupe_key == key))
    # preserve_rowcount: the sweep reports how many it wrote (PostgreSQL drivers drop it otherwise).
    return insert(_n).from_select(
        ["user_id", "kind", "dedupe_key", "task_id", "params", "created_at", "email_state", "email_attempts",
         "email_next_at"], query).execution_options(preserve_rowcount=True)


# Built once: the hot path executes them with plain parameters.
_task_ids = bindparam("task_ids", expanding=True)
_OFFERED = _insert_for("task_offered", _t.c.id.in_(_task_ids), offer_condition=_o.c.task_id.in_(_task_ids))
# One new task with one offer (the usual step): the recipients come from the rows' values as
# parameters, so the statement reads only roles, user_roles, users and preferences (reading the
# offers table back, SQLite's planner scanned every available offer of the role).
_new_task = select(bindparam("task_id", type_=_t.c.id.type).label("id"),
                   bindparam("task_assignee_id", type_=_t.c.assignee_id.type).label("assignee_id")).subquery("task")
_new_offer = select(*[bindparam(f"offer_{key}", type_=_o.c[key].type).label(key) for key in
                      ("task_id", "role_key", "org_unit_id", "user_id", "available")]).subquery("offer")
_OFFERED_ONE = FastStatement(
    _insert_for("task_offered", true(), tasks=_new_task, offers=_new_offer, offer_condition=true()))
_open_due = and_(_t.c.state == "open", _t.c.due_at.is_not(None))
_DUE_SOON = _insert_for("task_due", and_(_open_due, _t.c.due_at > bindparam("now_due"),
                                         _t.c.due_at <= bindparam("cutoff")), extra_condition=True)
_OVERDUE = _insert_for("task_overdue", and_(_open_due, _t.c.due_at <= bindparam("now_due")),
                       key_suffix=bindparam("day_suffix", type_=String), extra_condition=True)


def tasks_offered(session: Session, task_ids: list[str], now: datetime | None = None) -> None:
    """Tell everyone the new tasks reach (one statement, in the step's transaction)."""
    if task_ids:
        session.connection().execute(_OFFERED, {"task_ids": task_ids, "now": now or utcnow()})


def task_offered(session: Session, task: dict, offer: dict, now: datetime) -> None:
    """Tell everyone a new task with one offer reaches, from the values of the rows just inserted."""
    _OFFERED_ONE.execute(session.connection(), {
        "task_id": task["id"], "task_assignee_id": task["assignee_id"], "offer_task_id": task["id"],
        "offer_role_key": offer["role_key"], "offer_org_unit_id": offer["org_unit_id"],
        "offer_user_id": offer["user_id"], "offer_available": offer["available"], "now": now})


def offered_from(tasks, offers):
    """The INSERT of "task offered" notifications for tasks and offers being inserted by the same
    statement (PostgreSQL: `tasks` and `offers` are data-modifying WITH clauses returning the rows'
    id, assignee_id / task_id, role_key, org_unit_id, user_id, available); parameter `now`."""
    return _insert_for("task_offered", true(), tasks=tasks, offers=offers, offer_condition=true())


def sweep_deadlines(session: Session, *, now: datetime, cutoff: datetime, day: date) -> dict[str, int]:
    """Notify open tasks due by `cutoff` (once per task) and overdue ones (once per task and `day`)."""
    connection = session.connection()
    due = connection.execute(_DUE_SOON, {"now": now, "now_due": now, "cutoff": cutoff}).rowcount
    overdue = connection.execute(_OVERDUE, {"now": now, "now_due": now, "day_suffix": f":{day.isoformat()}"}).rowcount
    return {"due_soon": due, "overdue": overdue}


def due_soon_cutoff(session: Session, now: datetime) -> datetime:
    """`now` plus the dated number of working days within which a task counts as due soon."""
    from ..nomination import config

    days = int(config.param(session, DUE_SOON_PARAM, default=DUE_SOON_DEFAULT))
    return config.calendar(session).add_working_days(now, days) if days > 0 else now


def dossier_event(session: Session, dossier: Dossier, kind: str, params: dict, *, now: datetime | None = None,
                  dedupe: str | None = None) -> None:
    """Tell the officer who made `dossier` about it (`dossier_returned`, `dossier_decided`)."""
    if dossier.created_by_id is None:
        return
    user = session.get(User, dossier.created_by_id)
    if user is None or not user.active:
        return
    preference = session.get(NotificationPreference, user.id)
    mode = preference.email_mode if preference is not None else "immediate"
    state = "none" if not user.email else {"immediate": "pending", "digest": "digest"}.get(mode, "none")
    at = now or utcnow()
    key = f"{kind}:{dossier.id}:{dedupe or at.isoformat()}"
    session.execute(insert(_n).values(user_id=user.id, kind=kind, dedupe_key=key[:128], task_id=null(),
                                      dossier_id=dossier.id, params=params, created_at=at, email_state=state,
                                      email_attempts=0, email_next_at=at))
