"""Background migrations of running instances to another version: the job, and one row per instance.

Progress is counted from the item rows (never kept as counters on the job): several workers can work
on one job at once without all of them writing the same row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

ITEM_STATES = ("pending", "moved", "failed")


class MigrationJob(Base):
    __tablename__ = "migration_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    from_version: Mapped[int] = mapped_column(Integer)
    to_version: Mapped[int] = mapped_column(Integer)
    target_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requested_by = relationship("User")


class MigrationJobItem(Base):
    __tablename__ = "migration_job_items"
    # The worker's claim: the oldest pending items first.
    __table_args__ = (Index("ix_migration_job_items_state_job", "state", "job_id"),)

    job_id: Mapped[int] = mapped_column(ForeignKey("migration_jobs.id", ondelete="CASCADE"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"),
                                             primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | moved | failed
    reason: Mapped[str | None] = mapped_column(String(1000))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
