"""What changed in a resubmission: the latest submission of a step against the previous one only.

Fields added, removed and changed; files attached and removed between the two; list rows
(nominees, say) matched by their identity and compared field by field. Sign-off steps' own
decisions are not submissions of the work under review and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Attachment, AuditEvent, HumanTask
from . import attachments as attachment_ops
from . import tasks
from .sign_off import sign_off_of

ChangeKind = Literal["added", "removed", "changed"]
# Keys that identify a row of a list, most specific first; rows without one are matched by position.
ROW_KEYS = ("id", "nominee_id", "key", "code", "citizen_id", "tax_code", "name", "full_name")


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    kind: ChangeKind
    before: Any = None
    after: Any = None


@dataclass(frozen=True)
class RowChange:
    row: str  # how the row is known (its identity or position)
    kind: ChangeKind
    fields: tuple[FieldChange, ...] = ()


@dataclass
class SubmissionDiff:
    element_id: str
    task_name: str | None
    before_at: datetime
    after_at: datetime
    fields: list[FieldChange] = field(default_factory=list)
    lists: dict[str, list[RowChange]] = field(default_factory=dict)
    list_labels: dict[str, str] = field(default_factory=dict)
    # Field key -> stored value -> the form's label for it (select, radio and enum options), to show a choice
    # as the person picked it rather than its code.
    option_labels: dict[str, dict[str, str]] = field(default_factory=dict)
    attachments_added: list[Attachment] = field(default_factory=list)
    attachments_removed: list[Attachment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.fields or self.lists or self.attachments_added or self.attachments_removed)


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def _row_identity(rows: list[dict]) -> str | None:
    return next((key for key in ROW_KEYS if all(row.get(key) not in (None, "") for row in rows)), None)


def _keyed(rows: list[dict], key: str | None) -> dict[str, dict]:
    if key is None:
        return {f"#{index + 1}": row for index, row in enumerate(rows)}
    return {str(row[key]): row for row in rows}


def diff_rows(before: list[dict], after: list[dict], labels: dict[str, str] | None = None) -> list[RowChange]:
    """Rows matched by a shared identity key (else by position), then compared field by field."""
    key = _row_identity(before + after)
    old, new = _keyed(before, key), _keyed(after, key)
    changes: list[RowChange] = []
    for row_id, row in new.items():
        if row_id not in old:
            changes.append(RowChange(row_id, "added", tuple(diff_fields({}, row, labels))))
        else:
            fields = tuple(diff_fields(old[row_id], row, labels))
            if fields:
                changes.append(RowChange(row_id, "changed", fields))
    changes.extend(RowChange(row_id, "removed", tuple(diff_fields(row, {}, labels)))
                   for row_id, row in old.items() if row_id not in new)
    return changes


def diff_fields(before: dict, after: dict, labels: dict[str, str] | None = None) -> list[FieldChange]:
    """Scalar (and non-row) fields added, removed and changed between two submissions."""
    labels = labels or {}
    changes: list[FieldChange] = []
    for key in list(dict.fromkeys([*before, *after])):
        if _is_rows(before.get(key)) or _is_rows(after.get(key)):
            continue
        label = labels.get(key, key)
        if key not in before or before[key] in (None, ""):
            if after.get(key) not in (None, ""):
                changes.append(FieldChange(key, label, "added", None, after[key]))
        elif key not in after or after[key] in (None, ""):
            changes.append(FieldChange(key, label, "removed", before[key], None))
        elif before[key] != after[key]:
            changes.append(FieldChange(key, label, "changed", before[key], after[key]))
    return changes


def diff_values(before: dict, after: dict, labels: dict[str, str] | None = None
                ) -> tuple[list[FieldChange], dict[str, list[RowChange]]]:
    """The field changes and, per list of rows, the row changes between two submissions."""
    lists = {}
    for key in dict.fromkeys([*before, *after]):
        if _is_rows(before.get(key)) or _is_rows(after.get(key)):
            rows = diff_rows(before.get(key) or [], after.get(key) or [], labels)
            if rows:
                lists[key] = rows
    return diff_fields(before, after, labels), lists


def _labels(components: Any, out: dict[str, str]) -> dict[str, str]:
    for component in components or []:
        if isinstance(component, dict):
            # A list of rows (dynamiclist) is named by its path.
            key = component.get("key") or component.get("path")
            if key and component.get("label"):
                out.setdefault(str(key), str(component["label"]))
            if component.get("id") and component.get("label") and component.get("type") in (
                    "string", "long", "boolean", "date", "enum"):
                out.setdefault(str(component["id"]), str(component["label"]))
            _labels(component.get("components"), out)
    return out


def _options(components: Any, out: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    for component in components or []:
        if isinstance(component, dict):
            key = component.get("key") or component.get("id")
            values = component.get("values")
            if key and isinstance(values, list):
                named = {str(v.get("value", v.get("id"))): str(v.get("label") or v.get("name"))
                         for v in values if isinstance(v, dict) and (v.get("label") or v.get("name"))}
                if named:
                    out.setdefault(str(key), named)
            _options(component.get("components"), out)
    return out


def _completions(session: Session, instance_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id,
                                                         AuditEvent.action == "task.completed")
                                .order_by(AuditEvent.seq.desc())))


def resubmission_diff(session: Session, *, task: HumanTask, history: list[AuditEvent] | None = None
                      ) -> SubmissionDiff | None:
    """For a task under review: the latest submitted step's changes against its previous submission
    (None when it was submitted once). Callers check that the actor may see the task."""
    forms: dict[str, Any] = {}

    def form(element_id: str):
        if element_id not in forms:
            forms[element_id] = tasks.form_of_element(session, task.instance, task.process_key, element_id)
        return forms[element_id]

    completions = _completions(session, task.instance_id) if history is None else \
        [e for e in reversed(history) if e.action == "task.completed"]
    events = [e for e in completions if sign_off_of(form(e.element_id)) is None]
    if not events:
        return None
    latest = events[0]
    previous = next((e for e in events[1:] if e.element_id == latest.element_id), None)
    if previous is None:
        return None
    definition = form(latest.element_id)
    components = (definition.schema or {}).get("components") if definition.type == "form-js" else definition.schema
    labels = _labels(components, {})
    fields, lists = diff_values((previous.details or {}).get("data") or {}, (latest.details or {}).get("data") or {},
                                labels)
    diff = SubmissionDiff(latest.element_id, latest.task_name, previous.at, latest.at, fields, lists,
                          {key: labels.get(key, key) for key in lists}, _options(components, {}))
    for attachment in attachment_ops.list_attachments(session, instance_id=task.instance_id, include_removed=True):
        if previous.at < attachment.created_at <= latest.at and (
                attachment.removed_at is None or attachment.removed_at > latest.at):
            diff.attachments_added.append(attachment)
        elif attachment.created_at <= previous.at and attachment.removed_at is not None and (
                previous.at < attachment.removed_at <= latest.at):
            diff.attachments_removed.append(attachment)
    return diff
