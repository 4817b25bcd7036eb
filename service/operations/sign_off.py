"""Sign-off steps: the buttons an approval step shows, read from its form, and signing off with them.

A step is a sign-off when its form has an enumerated decision field whose values include an
approval and a return or a rejection (form-js radio/select with static values, or a Camunda enum
field) — for example forms/sign_off.form. The buttons are that field's values; no process has
code of its own here. A return or a rejection needs a reason, kept in the form's reason field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from ..errors import ValidationFailed
from ..forms import FormDefinition
from ..i18n import msg
from ..models import User
from . import drafts, stepping, tasks

ActionKind = Literal["approve", "return", "reject"]
# Values diagrams use for each kind of decision (compared case-insensitively).
_KINDS: dict[str, ActionKind] = {
    "approve": "approve", "approved": "approve", "accept": "approve", "acknowledge": "approve",
    "agree": "approve", "confirm": "approve", "yes": "approve",
    "return": "return", "returned": "return", "revise": "return", "send_back": "return",
    "reject": "reject", "rejected": "reject", "refuse": "reject", "deny": "reject", "decline": "reject",
}
_ENUM_TYPES = ("radio", "select")
REASON_REQUIRED = msg("Vui lòng nhập lý do trả lại.")


@dataclass(frozen=True)
class SignOffAction:
    value: Any  # the decision field's value this button submits
    kind: ActionKind
    label: str  # the form's own label for the value (the page shows the standard word for the kind)

    @property
    def needs_reason(self) -> bool:
        return self.kind != "approve"


@dataclass(frozen=True)
class SignOff:
    field: str
    reason_field: str | None
    actions: tuple[SignOffAction, ...]
    # The form without the decision and reason fields (form-js), for whatever else the step asks.
    rest: FormDefinition

    def action(self, value: Any) -> SignOffAction | None:
        return next((a for a in self.actions if str(a.value) == str(value)), None)


def kind_of(value: Any) -> ActionKind | None:
    return _KINDS.get(str(value).strip().lower()) if value is not None else None


def _actions(values: list[tuple[Any, str]]) -> tuple[SignOffAction, ...] | None:
    actions = tuple(SignOffAction(value, kind, label) for value, label in values
                    if (kind := kind_of(value)) is not None)
    kinds = {action.kind for action in actions}
    if "approve" in kinds and kinds & {"return", "reject"} and len(actions) == len(values):
        return actions
    return None


def _is_reason(key: Any) -> bool:
    return isinstance(key, str) and ("reason" in key.lower() or "ly_do" in key.lower())


def _from_formjs(form: FormDefinition) -> SignOff | None:
    components = list((form.schema or {}).get("components") or [])
    for component in components:
        values = component.get("values")
        if component.get("type") not in _ENUM_TYPES or not isinstance(values, list) or not component.get("key"):
            continue
        actions = _actions([(v.get("value"), str(v.get("label") or v.get("value"))) for v in values
                            if isinstance(v, dict)])
        if actions is None:
            continue
        reason = next((c.get("key") for c in components if c.get("type") in ("textarea", "textfield")
                       and _is_reason(c.get("key"))), None)
        rest = [c for c in components if c.get("key") not in (component.get("key"), reason)]
        rest_form = (FormDefinition(type="form-js", schema={**form.schema, "components": rest})
                     if rest else FormDefinition.none())
        return SignOff(component["key"], reason, actions, rest_form)
    return None


def _from_formdata(form: FormDefinition) -> SignOff | None:
    fields = list(form.schema or [])
    for field in fields:
        if field.get("type") != "enum" or not field.get("values"):
            continue
        actions = _actions([(v.get("id"), str(v.get("name") or v.get("id"))) for v in field["values"]])
        if actions is None:
            continue
        reason = next((f.get("id") for f in fields if f.get("type") == "string" and _is_reason(f.get("id"))), None)
        rest = [f for f in fields if f.get("id") not in (field.get("id"), reason)]
        rest_form = FormDefinition(type="camunda-formdata", schema=rest) if rest else FormDefinition.none()
        return SignOff(field["id"], reason, actions, rest_form)
    return None


def sign_off_of(form: FormDefinition) -> SignOff | None:
    """The sign-off buttons of a step's form; None when the step is not a sign-off."""
    if form.type == "form-js":
        return _from_formjs(form)
    if form.type == "camunda-formdata":
        return _from_formdata(form)
    return None


def sign_off(session: Session, *, actor: User, task_id: str, decision: Any, reason: str = "",
             data: dict | None = None, locale: str = "vi") -> stepping.StepOutcome:
    """Approve, return or reject a sign-off step with one of its buttons; a return or rejection
    needs a reason. The rest of the form's fields come in `data`."""
    task = tasks.get_task(session, actor=actor, task_id=task_id)
    found = sign_off_of(tasks.form_of(session, task))
    action = found.action(decision) if found else None
    if found is None or action is None:
        raise ValidationFailed(msg("Thao tác ký duyệt không hợp lệ."),
                               details={"fields": {"decision": ["invalid"]}})
    reason = (reason or "").strip()
    if action.needs_reason and not reason:
        raise ValidationFailed(REASON_REQUIRED, details={"fields": {found.reason_field or "reason": [REASON_REQUIRED]}})
    values = {key: value for key, value in (data or {}).items() if key not in (found.field, found.reason_field)}
    values[found.field] = action.value
    if found.reason_field:
        values[found.reason_field] = reason
    outcome = tasks.complete(session, actor=actor, task_id=task_id, data=values, locale=locale)
    drafts.discard_drafts(session, task_id=task_id)
    return outcome
