"""Process instances, their open human tasks, due timers and message subscriptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, false, true, update
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from ..db import Base, UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "waiting", "completed", "error", "terminated", "suspended")


class ProcessInstance(Base):
    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[dict] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON)
    error: Mapped[dict | None] = mapped_column(JSON)
    # While status is "suspended": {"reason", "by", "at", "resume_status"} (the status it goes back to).
    suspension: Mapped[dict | None] = mapped_column(JSON)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    # Head of the instance's audit chain, kept on the row every step writes anyway: appending an
    # event needs no read of the previous one, and a concurrent append fails the version check.
    audit_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    audit_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A lost race is a StaleDataError -> 409, never a silent overwrite.
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's declarative hook

    org_unit = relationship("OrgUnit")
    started_by = relationship("User")


class HumanTask(Base):
    """The open-task table: inbox, 'who may act', due dates and reports read only this."""

    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_offer", "state", "role_key", "org_unit_id"),
        Index("ix_human_tasks_assignee_state", "assignee_id", "state"),
        # The group tab reads every task its offers reach by id, for the order and the filters' joins:
        # from this index alone when sorted by due date, without the task's row to join the instance.
        Index("ix_human_tasks_id_instance_dates", "id", "instance_id", "created_at", "due_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the engine's task id
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    process_key: Mapped[str] = mapped_column(String(128))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(255))
    role_key: Mapped[str | None] = mapped_column(String(64))
    # The unit the role's scope is checked against (the instance's, or org_unit_from's).
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), default="open")  # open | completed | cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    instance: Mapped[ProcessInstance] = relationship()
    org_unit = relationship("OrgUnit", foreign_keys=[org_unit_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    offers: Mapped[list[TaskOffer]] = relationship(back_populates="task", cascade="all, delete-orphan")

    @property
    def org_unit_code(self) -> str | None:
        return self.org_unit.code if self.org_unit is not None else None

    @property
    def assignee_username(self) -> str | None:
        return self.assignee.username if self.assignee is not None else None

    def close(self, state: str, at: datetime) -> None:
        """Leave the open state (completed or cancelled); its offers leave the inbox."""
        self.state = state
        self.completed_at = at
        self._sync_offers()

    def assign(self, user, *, claimed: bool) -> None:
        """Give the task to `user` (None: back to its candidates); offers follow."""
        self.assignee = user
        self.assignee_id = user.id if user is not None else None  # readable before the flush
        self.claimed = claimed
        self._sync_offers()

    def _sync_offers(self) -> None:
        available = self.state == "open" and self.assignee_id is None
        session = object_session(self)
        if session is None or self in session.new:
            for offer in self.offers:
                offer.available = available
            return
        # One UPDATE rather than loading every offer: this runs on each completion and claim.
        session.execute(update(TaskOffer).where(TaskOffer.task_id == self.id).values(available=available)
                        .execution_options(synchronize_session=False))

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.state == "open" and self.due_at is not None and self.due_at < (now or utcnow())


class Timer(Base):
    __tablename__ = "timers"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class MessageSubscription(Base):
    __tablename__ = "message_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    message_name: Mapped[str] = mapped_column(String(255), index=True)
    correlation: Mapped[dict] = mapped_column(JSON)


class AuditEvent(Base):
    """Append-only; each event carries the hash of the one before it in its stream."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("uq_audit_events_stream_seq", "stream", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stream: Mapped[str] = mapped_column(String(64))  # "instance:<id>" or "system"
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str | None] = mapped_column(String(255))
    task_name: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    # Orders the flush: the instance's versioned UPDATE runs before its new events are inserted, so
    # a lost race surfaces as StaleDataError rather than as a duplicate chain position.
    instance: Mapped[ProcessInstance | None] = relationship()


class TaskOffer(Base):
    """Who a task is offered to: a role within an org unit's scope, or a named user."""

    __tablename__ = "task_offers"
    # The inbox reads available offers by role and unit, or by user, oldest first.
    __table_args__ = (
        Index("ix_task_offers_available_role_unit", "available", "role_key", "org_unit_id", "created_at", "task_id",
              "process_key"),
        Index("ix_task_offers_available_user", "available", "user_id", "created_at", "task_id", "process_key"),
        # Roles of scope "any" read one role's offers of every unit, in order. (Each index ends with the
        # task id, then the process key: a page, filtered by process or not, reads the index alone, in
        # the inbox's order.)
        Index("ix_task_offers_available_role_created", "available", "role_key", "created_at", "task_id",
              "process_key"),
        # The inbox count looks for tasks reaching a user twice among the few offered several ways.
        Index("ix_task_offers_available_shared", "available", "shared", "role_key", "org_unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id", ondelete="CASCADE"), index=True)
    role_key: Mapped[str | None] = mapped_column(String(64))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # True while the task is open and nobody holds it: what the inbox lists. Closed or claimed tasks'
    # offers stay (they answer "who was offered it") outside the indexes' hot range.
    available: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The task has other offers too (lane role and candidate groups, say): only such a task can reach
    # one user by two offers, so only these need de-duplicating when an inbox is counted.
    shared: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the task's, for inbox order
    process_key: Mapped[str | None] = mapped_column(String(128))  # the task's, for inboxes filtered by process

    # Lets the unit of work insert a new task before its offers without an intermediate flush.
    task: Mapped[HumanTask] = relationship(back_populates="offers")
