"""The nomination domain: movements and their dated leads, rounds with quotas, registrations, dossiers
with typed nominees, the document and awards registers, public notices and comments (DOMAIN.md A4)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

ROUND_KINDS = ("annual", "interim_review", "final_review")
ROUND_STATUSES = ("planned", "open", "closed", "consolidated", "appraised", "decided", "completed")
REGISTRATION_STATUSES = ("draft", "submitted", "acknowledged", "returned")
DOSSIER_STATUSES = ("draft", "submitted", "returned", "accepted", "rejected", "closed")
NOMINEE_KINDS = ("collective", "individual", "enterprise", "household", "other")
CLEARANCE_KINDS = ("tax", "social_insurance", "environment", "food_safety")
COMMENT_STATUSES = ("new", "published", "hidden")
NOMINEE_OUTCOMES = (
    "proposed", "dropped_by_council", "ineligible", "held", "eligible", "accepted", "ranked", "cut_by_quota",
    "proposed_to_city", "approved", "excluded", "awarded", "escalated", "state_awarded", "state_not_awarded",
    "duplicate",
)


class Movement(Base):
    """An emulation movement (phong trào thi đua) and its legal basis."""

    __tablename__ = "movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date] = mapped_column(Date)
    issuer_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    award_type: Mapped[str] = mapped_column(String(32), default="emulation_movement")
    # [{"code", "name", "from_year", "to_year", "review_round"}]
    phases: Mapped[list] = mapped_column(JSON, default=list)
    award_forms: Mapped[list] = mapped_column(JSON, default=list)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    leads: Mapped[list[MovementLead]] = relationship(back_populates="movement", order_by="MovementLead.valid_from")


class MovementLead(Base):
    """Which org unit leads a movement from `valid_from` until `valid_to` (exclusive)."""

    __tablename__ = "movement_leads"
    __table_args__ = (UniqueConstraint("movement_id", "valid_from", name="uq_movement_leads_movement_valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))

    movement: Mapped[Movement] = relationship(back_populates="leads")
    org_unit = relationship("OrgUnit")


class AwardRound(Base):
    """A round (đợt) of a movement: annual, interim review or final review."""

    __tablename__ = "award_rounds"
    __table_args__ = (UniqueConstraint("movement_id", "year", "kind", name="uq_award_rounds_movement_year_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(500))
    # The date the round's rules and lead agency are read for.
    opens_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    total_quota: Mapped[int | None] = mapped_column(Integer)
    award_form: Mapped[str] = mapped_column(String(64), default="city_chairman_certificate_of_merit")
    guidance: Mapped[str | None] = mapped_column(Text)
    lead_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consolidated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appraisal: Mapped[dict | None] = mapped_column(JSON)
    council_review: Mapped[dict | None] = mapped_column(JSON)
    chairman_decision: Mapped[dict | None] = mapped_column(JSON)
    # Ties at a quota boundary found by consolidation, each with the reviewer's choice once made.
    ties: Mapped[list | None] = mapped_column(JSON)
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    movement: Mapped[Movement] = relationship()
    lead_org_unit = relationship("OrgUnit")
    quotas: Mapped[list[RoundQuota]] = relationship(back_populates="round", cascade="all, delete-orphan")


class RoundQuota(Base):
    __tablename__ = "round_quotas"
    __table_args__ = (UniqueConstraint("round_id", "org_unit_id", name="uq_round_quotas_round_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id", ondelete="CASCADE"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    quota: Mapped[int] = mapped_column(Integer)

    round: Mapped[AwardRound] = relationship(back_populates="quotas")
    org_unit = relationship("OrgUnit")


class Registration(Base):
    """A unit's emulation registration for one movement year."""

    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("movement_id", "year", "org_unit_id", name="uq_registrations_movement_year_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movements.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    titles: Mapped[list] = mapped_column(JSON, default=list)
    commitments: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(String(2000))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    movement: Mapped[Movement] = relationship()
    org_unit = relationship("OrgUnit")


class Dossier(Base):
    """A unit's nomination dossier for one round; the unit's name is kept as it was at submission."""

    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("round_id", "org_unit_id", name="uq_dossiers_round_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), index=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(255))
    unit_kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    council_members_total: Mapped[int | None] = mapped_column(Integer)
    council_members_present: Mapped[int | None] = mapped_column(Integer)
    council_quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    submission_number: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(String(2000))
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lead agency's processing clock (nomination/clock.py): stopped while the unit supplements.
    clock_used_days: Mapped[int | None] = mapped_column(Integer)
    clock_running_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[AwardRound] = relationship()
    org_unit = relationship("OrgUnit")
    nominees: Mapped[list[Nominee]] = relationship(back_populates="dossier", order_by="Nominee.id",
                                                   cascade="all, delete-orphan")


class Nominee(Base):
    """A proposed collective, individual, enterprise or household, with the facts the rules read."""

    __tablename__ = "nominees"
    __table_args__ = (Index("ix_nominees_round_identity", "round_id", "identity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    # Same person or collective across dossiers: kind + identifier, or a normalised name composite.
    identity_key: Mapped[str] = mapped_column(String(400))
    identifier: Mapped[str | None] = mapped_column(String(64))
    subject_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    position: Mapped[str | None] = mapped_column(String(255))
    unit_name: Mapped[str | None] = mapped_column(String(255))
    sex: Mapped[str | None] = mapped_column(String(8))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    achievement_summary: Mapped[str] = mapped_column(Text, default="")
    achievement_key: Mapped[str] = mapped_column(String(200))
    award_form: Mapped[str] = mapped_column(String(64))
    award_type: Mapped[str] = mapped_column(String(32), default="emulation_movement")
    dx_index_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    tasks_completed: Mapped[bool | None] = mapped_column(Boolean)
    annual_rating: Mapped[str | None] = mapped_column(String(32))
    initiatives: Mapped[list] = mapped_column(JSON, default=list)
    tax_clearance: Mapped[bool | None] = mapped_column(Boolean)
    social_insurance_clearance: Mapped[bool | None] = mapped_column(Boolean)
    environment_clearance_required: Mapped[bool] = mapped_column(Boolean, default=False)
    environment_clearance: Mapped[bool | None] = mapped_column(Boolean)
    food_safety_clearance_required: Mapped[bool] = mapped_column(Boolean, default=False)
    food_safety_clearance: Mapped[bool | None] = mapped_column(Boolean)
    # An enterprise's field of business: which clearances beyond tax and social insurance it needs
    # (the dated parameter `enterprise.clearance_sectors`).
    sector: Mapped[str | None] = mapped_column(String(64))
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str | None] = mapped_column(String(2000))
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_present: Mapped[int | None] = mapped_column(Integer)
    votes_total: Mapped[int | None] = mapped_column(Integer)
    council_passed: Mapped[bool | None] = mapped_column(Boolean)
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    eligibility_reasons: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[str] = mapped_column(String(24), default="proposed", index=True)
    outcome_reason: Mapped[str | None] = mapped_column(String(2000))
    rank: Mapped[int | None] = mapped_column(Integer)
    propose_state_level: Mapped[bool] = mapped_column(Boolean, default=False)
    public_comment_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_number: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="nominees")
    clearances: Mapped[list[NomineeClearance]] = relationship(back_populates="nominee", order_by="NomineeClearance.id",
                                                              cascade="all, delete-orphan")


class NomineeClearance(Base):
    """An authority's written confirmation for an enterprise (tax, social insurance, environment, food
    safety): who issued it, its number and date, and the scanned document as proof."""

    __tablename__ = "nominee_clearances"
    __table_args__ = (UniqueConstraint("nominee_id", "kind", name="uq_nominee_clearances_nominee_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(255))
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    nominee: Mapped[Nominee] = relationship(back_populates="clearances")


class DocumentCounter(Base):
    """The issuer's running number for a year (and series: an advisory council keeps its own)."""

    __tablename__ = "document_counters"
    __table_args__ = (
        UniqueConstraint("issuer_org_unit_id", "year", "series", name="uq_document_counters_issuer_year_series"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    series: Mapped[str] = mapped_column(String(32), default="")
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class RegisteredDocument(Base):
    """The document register: every number taken, with its symbol; decisions are the `QĐ` rows."""

    __tablename__ = "document_register"
    __table_args__ = (
        UniqueConstraint("issuer_org_unit_id", "year", "series", "number",
                         name="uq_document_register_issuer_year_series_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    issuer_name: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    series: Mapped[str] = mapped_column(String(32), default="")
    number: Mapped[int] = mapped_column(Integer)
    type_abbr: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    symbol: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(1000), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("award_rounds.id"))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    issuer = relationship("OrgUnit")


class AwardRecord(Base):
    """The awards register: one achievement earns one award (Law Art. 5(2)(c))."""

    __tablename__ = "award_records"
    __table_args__ = (
        UniqueConstraint("subject_key", "achievement_key", name="uq_award_records_subject_achievement"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_key: Mapped[str] = mapped_column(String(400), index=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_name: Mapped[str] = mapped_column(String(255))
    unit_name: Mapped[str | None] = mapped_column(String(255))
    award_form: Mapped[str] = mapped_column(String(64))
    achievement_key: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date] = mapped_column(Date)
    issuer_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    issuer_name: Mapped[str] = mapped_column(String(255))
    nominee_id: Mapped[int | None] = mapped_column(ForeignKey("nominees.id", ondelete="SET NULL"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("award_rounds.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PublicNotice(Base):
    """The public disclosure of a round's proposed list, open for comments until `closes_on`."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("award_rounds.id"), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")

    round: Mapped[AwardRound] = relationship()


class PublicComment(Base):
    __tablename__ = "public_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[int] = mapped_column(ForeignKey("nominees.id", ondelete="CASCADE"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Moderation by the emulation–commendation office: only published comments are shown to the public.
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new", index=True)
    answer: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    nominee: Mapped[Nominee] = relationship()
