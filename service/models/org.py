"""Org units (effective-dated tree), roles with scope, users and their roles."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow

ROLE_SCOPES = ("unit", "parent_unit", "any")

user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    # Who holds a role: each new task's notifications read its role's users.
    Index("ix_user_roles_role_id", "role_id"),
)


class OrgUnit(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    abbreviation: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    parent_confirms_reports: Mapped[bool] = mapped_column(Boolean, default=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    admin_code: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    former_names: Mapped[list[OrgUnitName]] = relationship(
        back_populates="org_unit", order_by="OrgUnitName.valid_to", cascade="all, delete-orphan")

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day < self.valid_to)

    def name_on(self, day: date) -> str:
        """The name in force on `day`: a former name until the rename that replaced it, else the current one."""
        for former in self.former_names:
            if day < former.valid_to and (former.valid_from is None or former.valid_from <= day):
                return former.name
        return self.name


class OrgUnitName(Base):
    """A name a unit carried before a rename: in force from `valid_from` (None: since the unit began) until
    `valid_to` (exclusive, the rename's date). The unit's row keeps the current name, so everything reading
    `OrgUnit.name` today is unchanged; old papers ask `OrgUnit.name_on(their date)`."""

    __tablename__ = "org_unit_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    abbreviation: Mapped[str | None] = mapped_column(String(32))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    # The decision or note the administrator gave for the rename.
    reason: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship(back_populates="former_names")


class Role(Base):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    scope: Mapped[str] = mapped_column(String(16), default="unit")
    # What holders of the role do, as the administrators word it (shown on the roles page).
    description: Mapped[str | None] = mapped_column(String(2000))


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change or deactivation: every token signed before is refused.
    token_generation: Mapped[int] = mapped_column(Integer, default=0)
    # Set when an administrator gives the account its password (a new account, a reset): the user must
    # choose their own at the next sign-in before anything else. Cleared by their own change of password.
    password_must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    org_unit: Mapped[OrgUnit | None] = relationship()
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")

    def role_keys(self) -> set[str]:
        return {role.key for role in self.roles}


class SignInThrottle(Base):
    """Failed sign-ins per username: the next attempt waits longer after each, then the name locks for a while.

    Kept per username (not per client) so a guesser spreading attempts over many addresses is slowed
    all the same; unknown usernames are counted too, so the throttle does not reveal who exists.
    """

    __tablename__ = "sign_in_throttles"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
