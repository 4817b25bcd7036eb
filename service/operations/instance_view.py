"""What an instance's page shows: its state, who and what it concerns, the diagram's marks, the
history, the documents and files, and the data (for administrators and auditors only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import (
    Attachment,
    AuditEvent,
    DeploymentFile,
    GeneratedDocument,
    HumanTask,
    MessageSubscription,
    ProcessInstance,
    ProcessVersion,
    Timer,
    User,
)
from ..permissions import can_read_everything
from . import attachments, instances
from .documents import list_documents
from .versions import load_version


@dataclass(frozen=True)
class DiagramMarks:
    """Element ids to mark on the diagram."""

    completed: list[str]
    active: list[str]
    waiting: list[str]
    names: dict[str, str] = field(default_factory=dict)  # element id -> its name, for the text list

    def steps(self) -> list[tuple[str, str]]:
        """(state, name) of every marked element: what the diagram shows, as text."""
        return [(state, self.names.get(element, element)) for state in ("completed", "active", "waiting")
                for element in getattr(self, state)]


@dataclass
class InstancePage:
    instance: ProcessInstance
    process_name: str
    round_code: str | None
    open_tasks: list[HumanTask]
    marks: DiagramMarks
    history: list[AuditEvent]
    documents: list[GeneratedDocument]
    attachments: list[Attachment]
    data: dict | None  # None unless the actor may read every instance's data
    starter_name: str | None = None
    extra: dict = field(default_factory=dict)


def diagram_marks(session: Session, instance: ProcessInstance, history: list[AuditEvent] | None = None
                  ) -> DiagramMarks:
    """Completed elements (from the history), active ones (open human tasks) and waiting ones
    (timers and message subscriptions)."""
    active = list(session.scalars(select(HumanTask.element_id).where(HumanTask.instance_id == instance.id,
                                                                     HumanTask.state == "open")))
    waiting = list(session.scalars(select(Timer.element_id).where(Timer.instance_id == instance.id)))
    waiting += session.scalars(select(MessageSubscription.element_id)
                               .where(MessageSubscription.instance_id == instance.id))
    if history is None:
        history = list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id)))
    done_actions = {"task.completed", "timer.fired", "message.received"}
    completed = [e.element_id for e in history if e.action in done_actions and e.element_id]
    current = set(active) | set(waiting)
    names = {e.element_id: e.task_name for e in history if e.element_id and e.task_name}
    version = load_version(session, instance.process_version_id)
    for tasks_meta in version.task_metadata.values():
        names.update({element: meta.get("name") or element for element, meta in tasks_meta.items()})
    return DiagramMarks(completed=sorted(set(completed) - current), active=sorted(set(active)),
                        waiting=sorted(set(waiting)), names=names)


def process_name(session: Session, instance: ProcessInstance) -> str:
    """The name of the instance's process (its version's), for headings."""
    name = session.scalar(select(ProcessVersion.name).where(ProcessVersion.id == instance.process_version_id))
    return name or instance.process_key


def instance_page(session: Session, *, actor: User, instance_id: int) -> InstancePage:
    """The instance's page for someone who may see it (NotFound otherwise, its existence not revealed)."""
    instance = instances.get_instance(session, actor=actor, instance_id=instance_id)
    history = instances.history(session, actor=actor, instance_id=instance.id)
    data = instance.data or {}
    return InstancePage(
        instance=instance, process_name=process_name(session, instance), round_code=data.get("round_code"),
        open_tasks=instances.open_tasks(session, instance), marks=diagram_marks(session, instance, history),
        history=history, documents=list_documents(session, actor=actor, instance_id=instance.id),
        attachments=attachments.list_attachments(session, instance_id=instance.id),
        data=data if can_read_everything(actor) else None,
        starter_name=instance.started_by.full_name if instance.started_by else None,
    )


def diagram_xml(session: Session, *, actor: User, instance_id: int) -> bytes:
    """The BPMN of the instance's version, for someone who may see the instance."""
    instance = instances.get_instance(session, actor=actor, instance_id=instance_id)
    return version_diagram(session, instance.process_version_id)


def version_diagram(session: Session, version_id: int) -> bytes:
    """A process version's BPMN file (callers check visibility)."""
    query = (select(DeploymentFile.content)
             .join(ProcessVersion, ProcessVersion.deployment_id == DeploymentFile.deployment_id)
             .where(ProcessVersion.id == version_id, DeploymentFile.filename == ProcessVersion.bpmn_filename))
    return session.scalar(query) or b""
