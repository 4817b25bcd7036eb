"""All models, imported here so Alembic and the app see one metadata."""

from .definitions import Deployment, DeploymentFile, DiagramDraft, LaneRoleMapping, ProcessVersion
from .documents import DocumentTemplate, GeneratedDocument
from .instances import AuditEvent, HumanTask, MessageSubscription, ProcessInstance, TaskOffer, Timer
from .migration_jobs import MigrationJob, MigrationJobItem
from .nomination import (
    AwardRecord,
    AwardRound,
    DocumentCounter,
    Dossier,
    Movement,
    MovementLead,
    Nominee,
    NomineeClearance,
    PublicComment,
    PublicNotice,
    RegisteredDocument,
    Registration,
    RoundQuota,
)
from .notifications import Notification, NotificationPreference
from .org import ROLE_SCOPES, OrgUnit, OrgUnitName, Role, SignInThrottle, User, user_roles
from .reference import DxIndexEdition, DxScore, LegalParameter, RateLimitEvent
from .workspace import Attachment, TaskDraft

__all__ = [
    "ROLE_SCOPES",
    "Attachment",
    "AuditEvent",
    "AwardRecord",
    "AwardRound",
    "Deployment",
    "DeploymentFile",
    "DiagramDraft",
    "DocumentCounter",
    "DocumentTemplate",
    "Dossier",
    "DxIndexEdition",
    "DxScore",
    "GeneratedDocument",
    "HumanTask",
    "LaneRoleMapping",
    "LegalParameter",
    "MessageSubscription",
    "MigrationJob",
    "MigrationJobItem",
    "Movement",
    "MovementLead",
    "Nominee",
    "NomineeClearance",
    "Notification",
    "NotificationPreference",
    "OrgUnit",
    "OrgUnitName",
    "ProcessInstance",
    "ProcessVersion",
    "PublicComment",
    "PublicNotice",
    "RateLimitEvent",
    "RegisteredDocument",
    "Registration",
    "Role",
    "RoundQuota",
    "SignInThrottle",
    "TaskDraft",
    "TaskOffer",
    "Timer",
    "User",
    "user_roles",
]
