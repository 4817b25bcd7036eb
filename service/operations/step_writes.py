"""The SQL one engine step sends, as prebuilt Core statements.

A completion is the service's hottest path. Going through the ORM unit of work for its handful of
rows cost more than the engine itself (object state tracking, flush ordering, statement building);
these statements are built once, compiled once per dialect, and executed with plain parameters.
ORM objects of the same rows that are already in the session are brought up to date with
`set_committed_value`, so code reading them later in the transaction sees what was written and the
unit of work has nothing left to flush for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, false, func, insert, inspect, select, union_all, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key

from ..db import FastStatement, set_committed_columns
from ..models import AuditEvent, HumanTask, MessageSubscription, ProcessInstance, TaskOffer, Timer
from ..notifications import events as notifications
from . import audit

_instances = ProcessInstance.__table__
_tasks = HumanTask.__table__
_offers = TaskOffer.__table__
_audit = AuditEvent.__table__
_AUDIT_COLUMNS = tuple(column.key for column in _audit.columns if column.key != "id")

# The SET clause comes from the parameters' keys; the WHERE parameters are prefixed so they never
# collide with a column name.
_INSERT_INSTANCE = insert(_instances)
_INSTANCE_COLUMNS = tuple(column.key for column in _instances.columns if column.key != "id")
_UPDATE_INSTANCE = update(_instances).where(
    _instances.c.id == bindparam("where_id"), _instances.c.lock_version == bindparam("where_version"))
_CLOSE_TASK = update(_tasks).where(_tasks.c.id == bindparam("where_id")).values(
    state=bindparam("state"), completed_at=bindparam("completed_at"), completed_by_id=bindparam("completed_by_id"))
_WITHDRAW_OFFERS = FastStatement(
    update(_offers).where(_offers.c.task_id == bindparam("where_id")).values(available=false()))


def _insert_all(table, skip: tuple[str, ...] = ()) -> FastStatement:
    """INSERT of every column (but `skip`), each from the parameter of its name."""
    return FastStatement(insert(table).values(
        {column.key: bindparam(column.key, type_=column.type) for column in table.columns if column.key not in skip}))


_INSERT_TASK = _insert_all(_tasks)
_INSERT_OFFER = _insert_all(_offers, skip=("id",))

# PostgreSQL takes data-modifying statements in a WITH clause: there a closed task and its offers,
# and a new task with its one offer (the usual step), each take one round trip instead of two.
# (Their parameters are named apart from the instance UPDATE's, which `_usual_step` sends with them.)
_closed = (update(_tasks).where(_tasks.c.id == bindparam("close_id", type_=_tasks.c.id.type))
           .values(state=bindparam("close_state", type_=_tasks.c.state.type),
                   completed_at=bindparam("close_at", type_=_tasks.c.completed_at.type),
                   completed_by_id=bindparam("close_by", type_=_tasks.c.completed_by_id.type))
           .returning(_tasks.c.id).cte("closed"))
_withdrawn = update(_offers).where(_offers.c.task_id.in_(select(_closed.c.id))).values(available=false())
_CLOSE_TASK_WITH_OFFERS = FastStatement(_withdrawn)
_CLOSE_TASK = FastStatement(_CLOSE_TASK)
_OFFER_COLUMNS = ("role_key", "org_unit_id", "user_id", "available", "created_at", "shared", "process_key")
# The new task, its offer and the notifications of everyone it reaches: one statement. The
# notifications' recipients are read from the rows the WITH clauses return (a statement does not
# see its own inserts in the tables).
_inserted = (insert(_tasks).values({column.key: bindparam(f"task_{column.key}", type_=column.type)
                                    for column in _tasks.columns})
             .returning(_tasks.c.id, _tasks.c.assignee_id).cte("inserted"))
_offered = (insert(_offers).from_select(
    ["task_id", *_OFFER_COLUMNS],
    select(_inserted.c.id, *[bindparam(f"offer_{key}", type_=_offers.c[key].type) for key in _OFFER_COLUMNS]))
    .returning(_offers.c.task_id, _offers.c.role_key, _offers.c.org_unit_id, _offers.c.user_id, _offers.c.available)
    .cte("offered"))
_INSERT_TASK_WITH_OFFER_AND_NOTIFICATIONS = FastStatement(notifications.offered_from(_inserted, _offered))
_INSERT_TIMER = insert(Timer.__table__)
_INSERT_SUBSCRIPTION = insert(MessageSubscription.__table__)


def insert_instance(session: Session, instance: ProcessInstance) -> None:
    """Insert a new instance (every column but the id set on it) and attach it to the session as persistent.

    One statement instead of a unit-of-work flush; the object then carries its id and nothing to flush.
    """
    session.flush()  # rows the caller added in this transaction first (the new row may refer to them)
    values = {key: getattr(instance, key) for key in _INSTANCE_COLUMNS}
    instance.id = session.connection().execute(_INSERT_INSTANCE, values).inserted_primary_key[0]
    make_transient_to_detached(instance)
    session.add(instance)


def update_instance(session: Session, instance: ProcessInstance, values: dict[str, Any]) -> None:
    """Write `values` to the instance row if nobody else wrote it since it was read (else StaleDataError).

    The audit chain head the step's events moved is written with them, and the version goes up by one.
    """
    expected, values = _versioned(instance, values)
    events = audit.take_pending(session) if _dml_in_with(session) else []
    if events:
        # One round trip: the events are inserted from the UPDATE's RETURNING, so none is written
        # when the version check fails (then no row comes back).
        written = _update_with_events(tuple(sorted(values)), len(events)).execute(
            session.connection(), _update_parameters(instance, expected, values, events))
        stale = written != len(events)
    else:
        written = _update_instance(tuple(sorted(values))).execute(
            session.connection(), values | {"where_id": instance.id, "where_version": expected})
        stale = written != 1
    _updated(session, instance, expected, values, stale)


def _versioned(instance: ProcessInstance, values: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The version the row must still have, and `values` with the chain head and the next version."""
    expected = instance.lock_version
    return expected, values | {"audit_seq": instance.audit_seq, "audit_hash": instance.audit_hash,
                               "lock_version": expected + 1}


def _update_parameters(instance: ProcessInstance, expected: int, values: dict[str, Any],
                       events: list[dict[str, Any]]) -> dict[str, Any]:
    parameters = {f"set_{key}": value for key, value in values.items()}
    for index, row in enumerate(events):
        parameters.update({f"event{index}_{key}": row[key] for key in _AUDIT_COLUMNS})
    return parameters | {"where_id": instance.id, "where_version": expected}


def _updated(session: Session, instance: ProcessInstance, expected: int, values: dict[str, Any], stale: bool) -> None:
    """After the versioned UPDATE: StaleDataError if it found no row, else the object as written."""
    if stale:
        raise StaleDataError(f"process instance {instance.id} changed since version {expected} was read")
    set_committed_columns(instance, values)
    state = inspect(instance)
    if not state.committed_state:
        # Every change the object carried is now in the row: clear its "modified" mark too, or each
        # autoflush until the commit would walk the unit of work for nothing. (SQLAlchemy has no
        # public call for this; `_commit_all` is what a flush itself does. The version is pinned and
        # tests/engine/test_step_writes.py checks no flush follows a step.)
        state._commit_all(state.dict, session.identity_map)
    audit.write_pending(session)  # after the version check, so a lost race stops before them


def write_usual_step(session: Session, instance: ProcessInstance, values: dict[str, Any],
                     closing: Sequence[tuple[str, str, int | None]], tasks: list[dict[str, Any]],
                     offers: list[dict[str, Any]], at: datetime) -> bool:
    """The usual step in one statement where the database takes it (PostgreSQL): what `update_instance`,
    `close_tasks` and `insert_tasks` write, for at most one closed task and one new task with one
    offer. False, having written nothing, for any other step or database: the caller writes it in parts.
    """
    if not (_dml_in_with(session) and len(closing) <= 1 and len(tasks) == 1 and len(offers) == 1
            and audit.has_pending(session)):
        return False
    expected, values = _versioned(instance, values)
    events = audit.take_pending(session)
    [task], [offer] = tasks, offers
    parameters = (_update_parameters(instance, expected, values, events)
                  | {f"task_{key}": value for key, value in task.items()}
                  | {f"offer_{key}": offer[key] for key in _OFFER_COLUMNS} | {"now": at})
    if closing:
        parameters |= _close_parameters(closing[0], at)
    [[written]] = _usual_step(tuple(sorted(values)), len(events), bool(closing)).rows(session.connection(),
                                                                                       parameters)
    _updated(session, instance, expected, values, stale=written != len(events))
    _closed_in_session(session, closing, at)
    return True


@cache
def _update_instance(keys: tuple[str, ...]) -> FastStatement:
    """The versioned UPDATE of the instance's columns `keys` (each from the parameter of its name)."""
    return FastStatement(_UPDATE_INSTANCE.values(
        {key: bindparam(key, type_=_instances.c[key].type) for key in keys}))


def _events_after_update(keys: tuple[str, ...], events: int):
    """INSERT the events SELECTed FROM (the versioned UPDATE of the instance's columns `keys` ... RETURNING
    id): none when the version check fails, so the INSERT's row count is the version check."""
    updated = (update(_instances)
               .where(_instances.c.id == bindparam("where_id"), _instances.c.lock_version == bindparam("where_version"))
               .values({key: bindparam(f"set_{key}", type_=_instances.c[key].type) for key in keys})
               .returning(_instances.c.id).cte("updated"))
    # Typed parameters (the psycopg dialect renders `::TYPE`): in a SELECT list PostgreSQL cannot
    # infer a parameter's type from the target column.
    rows = [select(*[bindparam(f"event{index}_{key}", type_=_audit.c[key].type) for key in _AUDIT_COLUMNS])
            .select_from(updated) for index in range(events)]
    return insert(_audit).from_select(list(_AUDIT_COLUMNS), rows[0] if events == 1 else union_all(*rows))


@cache
def _update_with_events(keys: tuple[str, ...], events: int) -> FastStatement:
    return FastStatement(_events_after_update(keys, events))


@cache
def _usual_step(keys: tuple[str, ...], events: int, closes: bool) -> FastStatement:
    """WITH the versioned UPDATE and its events (`_events_after_update`), the closed task and its offers
    withdrawn (if `closes`: `_CLOSE_TASK_WITH_OFFERS`), the new task, its offer and its notifications
    (`_INSERT_TASK_WITH_OFFER_AND_NOTIFICATIONS`): SELECT the number of events written.

    One round trip instead of three. PostgreSQL runs every data-modifying WITH clause to completion
    whether or not the SELECT reads it; the count is the version check (none when another writer got
    there first, and the caller then raises, which rolls the whole transaction back). The clauses
    touch different rows and none reads what another writes (each sees the tables as they were
    before the statement), so together they write what the three statements write one by one."""
    written = _events_after_update(keys, events).returning(_audit.c.id).cte("written")
    ctes = [_withdrawn.cte("withdrawn")] if closes else []
    ctes.append(notifications.offered_from(_inserted, _offered).cte("notified"))
    return FastStatement(select(func.count()).select_from(written).add_cte(*ctes))


def close_tasks(session: Session, closing: Sequence[tuple[str, str, int | None]], at: datetime) -> None:
    """Close tasks `(id, 'completed' | 'cancelled', completed_by_id)`; their offers leave the inbox."""
    if not closing:
        return
    connection = session.connection()
    rows = [{"where_id": task_id, "state": state, "completed_at": at, "completed_by_id": by}
            for task_id, state, by in closing]
    if len(rows) == 1 and _dml_in_with(session):
        _CLOSE_TASK_WITH_OFFERS.execute(connection, _close_parameters(closing[0], at))
    else:
        _CLOSE_TASK.execute(connection, rows)
        _WITHDRAW_OFFERS.execute(connection, [{"where_id": task_id} for task_id, _, _ in closing])
    _closed_in_session(session, closing, at)


def _close_parameters(closing: tuple[str, str, int | None], at: datetime) -> dict[str, Any]:
    task_id, state, by = closing
    return {"close_id": task_id, "close_state": state, "close_at": at, "close_by": by}


def _closed_in_session(session: Session, closing: Sequence[tuple[str, str, int | None]], at: datetime) -> None:
    """Closed tasks' objects in the session, as written."""
    for task_id, state, by in closing:
        loaded = session.identity_map.get(identity_key(HumanTask, task_id))
        if loaded is not None:
            set_committed_columns(loaded, {"state": state, "completed_at": at, "completed_by_id": by})


def insert_tasks(session: Session, tasks: list[dict[str, Any]], offers: list[dict[str, Any]], at: datetime) -> None:
    """Insert new tasks with their offers, and notify everyone they reach (notifications/events.py)."""
    connection = session.connection()
    if len(tasks) == 1 and len(offers) == 1 and _dml_in_with(session):
        [task], [offer] = tasks, offers
        _INSERT_TASK_WITH_OFFER_AND_NOTIFICATIONS.execute(
            connection, {f"task_{key}": value for key, value in task.items()}
            | {f"offer_{key}": offer[key] for key in _OFFER_COLUMNS} | {"now": at})
        return
    if tasks:
        _INSERT_TASK.execute(connection, tasks)
    if offers:
        _INSERT_OFFER.execute(connection, offers)
    if len(tasks) == 1 and len(offers) == 1:
        notifications.task_offered(session, tasks[0], offers[0], at)
    else:
        notifications.tasks_offered(session, [row["id"] for row in tasks], at)


def replace_waits(session: Session, instance_id: int, timers: Iterable[dict[str, Any]],
                  subscriptions: Iterable[dict[str, Any]]) -> None:
    """The instance's due timers and message subscriptions become exactly these."""
    # ORM deletes: rows of these the session holds leave it too (steps that change waits are rare).
    session.execute(delete(Timer).where(Timer.instance_id == instance_id))
    session.execute(delete(MessageSubscription).where(MessageSubscription.instance_id == instance_id))
    connection = session.connection()
    timers, subscriptions = list(timers), list(subscriptions)
    if timers:
        connection.execute(_INSERT_TIMER, timers)
    if subscriptions:
        connection.execute(_INSERT_SUBSCRIPTION, subscriptions)


def _dml_in_with(session: Session) -> bool:
    """Does the database take INSERT/UPDATE inside WITH (PostgreSQL does, SQLite does not)?"""
    return session.get_bind().dialect.name == "postgresql"
