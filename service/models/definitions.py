"""Deployments (a bundle of files) and the process versions they define."""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deploy warnings ({file, element_id, line, message, level, code}): what runs differently than drawn.
    warnings: Mapped[list] = mapped_column(JSON, default=list)

    files: Mapped[list[DeploymentFile]] = relationship(back_populates="deployment", order_by="DeploymentFile.filename")
    processes: Mapped[list[ProcessVersion]] = relationship(back_populates="deployment")


class DeploymentFile(Base):
    __tablename__ = "deployment_files"
    __table_args__ = (UniqueConstraint("deployment_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))  # bpmn | dmn | form
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    deployment: Mapped[Deployment] = relationship(back_populates="files")


class ProcessVersion(Base):
    """One startable process of a deployment; its parsed spec is stored once, here."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployments.id", ondelete="CASCADE"), index=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    bpmn_filename: Mapped[str | None] = mapped_column(String(255))
    spec: Mapped[dict] = mapped_column(JSON)
    task_metadata: Mapped[dict] = mapped_column(JSON)
    forms: Mapped[dict] = mapped_column(JSON)
    # Role keys allowed to start it, read from the diagram; None: the diagram does not say (default rule).
    starter_roles: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Changes whenever the lane -> role mapping below is edited: every process caches the mapping per
    # (version, token) and reads the token with rows a step reads anyway. A fresh random value, not a
    # counter: an edit rolled back never leaves its token to be reused by another edit.
    lane_roles_token: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex, server_default="0")

    deployment: Mapped[Deployment] = relationship(back_populates="processes")
    lane_roles: Mapped[list[LaneRoleMapping]] = relationship(
        back_populates="process_version", order_by="(LaneRoleMapping.kind, LaneRoleMapping.name)",
        cascade="all, delete-orphan")


class LaneRoleMapping(Base):
    """Which role serves a lane (or a candidate group) of a process version.

    Filled at deploy where a role's key or name matches; `role_key` NULL means unmapped. Process admins
    edit it; `auto` tells a row filled by name matching from one an administrator chose.
    """

    __tablename__ = "lane_role_mappings"
    __table_args__ = (UniqueConstraint("process_version_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # lane | group
    name: Mapped[str] = mapped_column(String(255))
    role_key: Mapped[str | None] = mapped_column(String(64))
    auto: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    process_version: Mapped[ProcessVersion] = relationship(back_populates="lane_roles")


class DiagramDraft(Base):
    """A process admin's unsaved work on a process's main diagram, kept on the server between sessions.

    One draft per process key (the process admins share it, as they share the deployed versions); it
    records which version it started from so deploying it replaces that version's BPMN file only.
    """

    __tablename__ = "diagram_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), unique=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
