"""Dated reference data: legal parameters, DX index editions and yearly scores, request throttling."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow


class LegalParameter(Base):
    """One value of a legal or configured rule, in force from `valid_from` until `valid_to` (exclusive).

    Changing a number is a new row with its own source, never an edit: old dossiers keep being judged
    by the value in force on their round's date.
    """

    __tablename__ = "legal_parameters"
    __table_args__ = (UniqueConstraint("key", "valid_from", name="uq_legal_parameters_key_valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(96), index=True)
    value: Mapped[dict | list | int | float | str | bool] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DxIndexEdition(Base):
    """An edition of the DX ranking index: the decision issuing it, its scale and bands (best first)."""

    __tablename__ = "dx_index_editions"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_number: Mapped[str] = mapped_column(String(64), unique=True)
    decision_date: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    scale: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    # [[band key, lower threshold], ...]
    bands: Mapped[list] = mapped_column(JSON)
    groups: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DxScore(Base):
    """A unit's total DX score of one year under one edition."""

    __tablename__ = "dx_scores"
    __table_args__ = (
        UniqueConstraint("edition_id", "year", "org_unit_id", name="uq_dx_scores_edition_year_unit"),
        Index("ix_dx_scores_unit_year", "org_unit_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("dx_index_editions.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    rank: Mapped[int | None] = mapped_column(Integer)
    band: Mapped[str | None] = mapped_column(String(32))
    group: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    edition: Mapped[DxIndexEdition] = relationship()
    org_unit = relationship("OrgUnit")


class RateLimitEvent(Base):
    """One accepted request of a throttled public action; counted in a sliding window across workers."""

    __tablename__ = "rate_limit_events"
    __table_args__ = (Index("ix_rate_limit_events_bucket_client_at", "bucket", "client_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(64))
    client_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
