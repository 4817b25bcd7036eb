"""All models, imported here so Alembic and the app see one metadata."""

from .definitions import Deployment, DeploymentFile, ProcessVersion
from .instances import AuditEvent, HumanTask, MessageSubscription, ProcessInstance, TaskOffer, Timer
from .org import ROLE_SCOPES, OrgUnit, Role, User, user_roles

__all__ = [
    "ROLE_SCOPES",
    "AuditEvent",
    "Deployment",
    "DeploymentFile",
    "HumanTask",
    "MessageSubscription",
    "OrgUnit",
    "ProcessInstance",
    "ProcessVersion",
    "Role",
    "TaskOffer",
    "Timer",
    "User",
    "user_roles",
]
