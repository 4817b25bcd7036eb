"""The `generate_document` service handler: the step numbers, builds, renders and stores its documents.

Two ways to call it from a diagram (`param.kind`):

- a nomination kind of docs/nomination_design.md (HD, TTr_unit, BB, BC, TTr_lead, TTr_home_affairs, QD,
  TTr_state): the issuer and number come from the issuer's yearly register
  (`service.nomination.documents.numbering.generate`), the context from the dossier and round tables;
- a document kind (`guidance`, `award_decision`, …): the builder's inputs are the instance data under
  `param.source` (default `document`: `{"meta": {...}, <builder keyword arguments>}`); with `param.issuer`
  (an org unit code) the number is taken from that unit's register for the year of `meta.issued_on`.

Everything happens in the step's transaction: a failed render rolls back the number it took.
"""

from __future__ import annotations

import inspect
import sys
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...documents import (
    DocumentKind,
    build_award_decision_context,
    build_collective_report_context,
    build_consolidated_submission_context,
    build_council_minutes_context,
    build_guidance_context,
    build_home_affairs_submission_context,
    build_individual_report_context,
    build_state_submission_context,
    build_unit_submission_context,
)
from ...engine.service_tasks import current_step
from ...errors import InvalidState, ValidationFailed
from ...i18n import msg
from ...models import GeneratedDocument, OrgUnit, RegisteredDocument, User
from ...operations import documents
from .. import registers
from .contexts import STEP_KINDS, issuer_record
from .numbering import generate as number_document
from .planning import build_step_documents

BUILDERS = {
    DocumentKind.GUIDANCE: build_guidance_context,
    DocumentKind.UNIT_SUBMISSION: build_unit_submission_context,
    DocumentKind.COUNCIL_MINUTES: build_council_minutes_context,
    DocumentKind.COLLECTIVE_REPORT: build_collective_report_context,
    DocumentKind.INDIVIDUAL_REPORT: build_individual_report_context,
    DocumentKind.CONSOLIDATED_SUBMISSION: build_consolidated_submission_context,
    DocumentKind.HOME_AFFAIRS_SUBMISSION: build_home_affairs_submission_context,
    DocumentKind.AWARD_DECISION: build_award_decision_context,
    DocumentKind.STATE_SUBMISSION: build_state_submission_context,
}
# The register's document type (parameter `document.type_abbreviations`) of each document kind.
DOCUMENT_TYPES = {
    DocumentKind.GUIDANCE: "guidance",
    DocumentKind.UNIT_SUBMISSION: "submission",
    DocumentKind.COUNCIL_MINUTES: "minutes",
    DocumentKind.COLLECTIVE_REPORT: "report",
    DocumentKind.INDIVIDUAL_REPORT: "report",
    DocumentKind.CONSOLIDATED_SUBMISSION: "submission",
    DocumentKind.HOME_AFFAIRS_SUBMISSION: "submission",
    DocumentKind.AWARD_DECISION: "decision",
    DocumentKind.STATE_SUBMISSION: "submission",
}


def running_task() -> tuple[str | None, str | None]:
    """(element id, engine task id) of the service task being run.

    The step context does not carry the task yet (requested from the engine's owner); until it does, the
    script engine's `call_service(task, …)` frame up the stack has it.
    """
    context = current_step()
    element_id, task_id = getattr(context, "element_id", None), getattr(context, "task_id", None)
    if element_id:
        return element_id, task_id
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "call_service" and "task" in frame.f_locals:
            task = frame.f_locals["task"]
            spec = getattr(task, "task_spec", None)
            return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None), str(getattr(task, "id", "")) or None
        frame = frame.f_back
    return None, None


def _number_of(symbol: str | None) -> int | None:
    head = (symbol or "").split("/", 1)[0].strip()
    return int(head) if head.isdigit() else None


def _summary(document: GeneratedDocument) -> dict[str, Any]:
    return {"id": document.id, "kind": document.kind, "version": document.version, "filename": document.filename,
            "symbol": document.symbol, "subject": document.subject}


def _registered(session: Session, numbering: dict) -> RegisteredDocument | None:
    """The register's row of the number the step was given (an award decision's was taken by `issue_decision`)."""
    if not numbering.get("symbol"):
        return None
    return session.scalar(
        select(RegisteredDocument).join(OrgUnit, OrgUnit.id == RegisteredDocument.issuer_org_unit_id)
        .where(RegisteredDocument.symbol == numbering["symbol"],
               OrgUnit.code == numbering.get("issuer_org_unit_code"),
               RegisteredDocument.year == date.fromisoformat(numbering["issued_on"]).year)
        .order_by(RegisteredDocument.id.desc()).limit(1))


def _from_domain(session: Session, *, step_kind: str, data: dict, params: dict, actor: User | None,
                 instance_id: int, element_id: str | None, task_id: str | None) -> dict[str, Any]:
    numbering = number_document(session, kind=step_kind, data=data, actor=actor, instance_id=instance_id)
    registered = _registered(session, numbering)
    planned = build_step_documents(session, step_kind=step_kind, data=data, numbering=numbering, actor=actor,
                                   instance_id=instance_id, params=params)
    stored = []
    for item in planned:
        symbol = item.context.get("document_symbol") or None
        if symbol is not None and _number_of(symbol) is None:
            symbol = None  # a draft's blank number
        if symbol is not None and symbol != numbering.get("symbol"):
            raise InvalidState(msg("Ký hiệu {symbol!r} khác sổ đăng ký {registered!r}.",
                                   symbol=symbol, registered=numbering.get("symbol")))
        stored.append(documents.generate(
            session, actor=actor, instance_id=instance_id, kind=item.kind, context=item.context,
            element_id=element_id, task_id=task_id, subject=item.subject, number=_number_of(symbol), symbol=symbol,
            registered_document_id=registered.id if registered is not None and symbol == registered.symbol else None,
            sign=item.sign))
    return {**numbering, "documents": [_summary(document) for document in stored]}


def _from_inputs(session: Session, *, kind: DocumentKind, data: dict, params: dict, actor: User | None,
                 instance_id: int, element_id: str | None, task_id: str | None) -> dict[str, Any]:
    source = str(params.get("source") or "document")
    inputs = data.get(source)
    if not isinstance(inputs, dict) or not isinstance(inputs.get("meta"), dict):
        raise ValidationFailed(msg("Thiếu dữ liệu văn bản '{source}' (cần 'meta').", source=source))
    meta = dict(inputs["meta"])
    registered = None
    issuer_code = params.get("issuer")
    if issuer_code and meta.get("number") is None:
        issuer = session.scalar(select(OrgUnit).where(OrgUnit.code == str(issuer_code)))
        if issuer is None:
            raise InvalidState(msg("Không có đơn vị {issuer_code!r}.", issuer_code=issuer_code))
        issued_on = date.fromisoformat(str(meta.get("issued_on"))[:10])
        registered = registers.register_document(
            session, issuer=issuer, document_type=DOCUMENT_TYPES[kind], kind=kind.value, issued_on=issued_on,
            subject=str(params.get("subject") or ""), actor=actor, instance_id=instance_id)
        meta["number"] = registered.number
        # The symbol names the unit whose register numbered it, whatever the inputs said.
        meta["issuer"] = {**(meta.get("issuer") or issuer_record(issuer)),
                          "abbreviation": registered.symbol.split("-", 1)[1]}
    arguments = _arguments(BUILDERS[kind], {key: value for key, value in inputs.items() if key != "meta"})
    try:
        context = BUILDERS[kind](meta, **arguments)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(msg("Dữ liệu văn bản không hợp lệ", exc=exc)) from exc
    symbol = context.get("document_symbol") or None
    if _number_of(symbol) is None:
        symbol = None
    if registered is not None and symbol != registered.symbol:
        raise InvalidState(msg("Ký hiệu {symbol!r} khác sổ đăng ký {symbol3!r}.",
                               symbol=symbol, symbol3=registered.symbol))
    document = documents.generate(
        session, actor=actor, instance_id=instance_id, kind=kind, context=context, element_id=element_id,
        task_id=task_id, subject=str(params.get("subject") or ""), number=_number_of(symbol), symbol=symbol,
        registered_document_id=registered.id if registered else None,
        sign=kind == DocumentKind.AWARD_DECISION and symbol is not None)
    return {"kind": kind.value, "symbol": symbol, "number": _number_of(symbol), "documents": [_summary(document)]}


def _arguments(builder: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Instance data is JSON: a builder's `date` argument arrives as an ISO string."""
    annotations = inspect.signature(builder).parameters
    converted = dict(values)
    for name, value in values.items():
        parameter = annotations.get(name)
        if parameter is not None and str(parameter.annotation) == "date" and isinstance(value, str):
            try:
                converted[name] = date.fromisoformat(value[:10])
            except ValueError:
                raise ValidationFailed(msg("Ngày không hợp lệ ở '{name}'.", name=name)) from None
    return converted


def generate_document(data: dict, **params: Any) -> dict:
    """Generate the step's document(s) of `param.kind`; returns the number/symbol and the stored documents."""
    context = current_step()
    session: Session = context.session
    if context.instance_id is None:
        raise InvalidState(msg("generate_document chạy ngoài một hồ sơ quy trình."))
    actor = session.get(User, context.actor_id) if context.actor_id else None
    element_id, task_id = running_task()
    kind = str(params.get("kind") or data.get("kind") or "")
    # A failed step still commits the instance (in error): the savepoint takes back the number it drew,
    # so the register keeps no gap.
    with session.begin_nested():
        if kind in STEP_KINDS:
            return _from_domain(session, step_kind=kind, data=data, params=params, actor=actor,
                                instance_id=context.instance_id, element_id=element_id, task_id=task_id)
        try:
            document_kind = DocumentKind(kind)
        except ValueError:
            allowed = ", ".join([*STEP_KINDS, *(k.value for k in DocumentKind)])
            raise ValidationFailed(msg("Loại văn bản không hợp lệ: {kind!r}.", kind=kind, allowed=allowed)) from None
        return _from_inputs(session, kind=document_kind, data=data, params=params, actor=actor,
                            instance_id=context.instance_id, element_id=element_id, task_id=task_id)
