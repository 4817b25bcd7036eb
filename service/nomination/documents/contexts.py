"""Template contexts for the documents a nomination step produces, built from the domain rows.

`build_step_documents` turns a `generate_document` kind (HD, TTr_unit, BB, BC, TTr_lead, TTr_home_affairs, QD,
TTr_state; docs/nomination_design.md) into one or more (document kind, subject, context) to render: the
issuer and number come from the register (`service.nomination.documents.numbering.generate`), the lists from the
dossier and round tables, the amounts from the dated reward parameters. Instance data may override the
free-text parts (signer, recipients, legal bases, summaries), so an officer's wording wins over defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...calendar.working_days import VIETNAM_TZ
from ...documents import (
    DocumentKind,
    build_award_decision_context,
    build_consolidated_submission_context,
    build_guidance_context,
    build_home_affairs_submission_context,
    build_state_submission_context,
    build_unit_submission_context,
)
from ...documents.numbering import format_long_date
from ...errors import InvalidState
from ...i18n import msg
from ...models import AwardRound, Dossier, GeneratedDocument, Nominee, OrgUnit, User
from .. import config
from . import signers
from .labels import award_label, award_labels, reward_policy

# The step kinds of docs/nomination_design.md and the document each renders (BC: one report per nominee).
STEP_KINDS: dict[str, DocumentKind] = {
    "HD": DocumentKind.GUIDANCE,
    "TTr_unit": DocumentKind.UNIT_SUBMISSION,
    "BB": DocumentKind.COUNCIL_MINUTES,
    "BC": DocumentKind.COLLECTIVE_REPORT,
    "TTr_lead": DocumentKind.CONSOLIDATED_SUBMISSION,
    "TTr_home_affairs": DocumentKind.HOME_AFFAIRS_SUBMISSION,
    "QD": DocumentKind.AWARD_DECISION,
    "TTr_state": DocumentKind.STATE_SUBMISSION,
}

STATE_SUMMARY = "Các tập thể, cá nhân đã có thành tích đặc biệt xuất sắc, tiêu biểu của thành phố"
APPRAISAL_SUMMARY = "Sau khi thẩm định, hồ sơ của các tập thể, cá nhân đủ điều kiện, tiêu chuẩn theo quy định"
# The Chairman decides under the Law on the Organisation of Local Government (Law 72/2025/QH15) first.
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
DEFAULT_LEGAL_BASES = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
    "Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14 tháng 6 năm 2025 của Chính phủ quy định chi tiết một số điều "
    "của Luật Thi đua, khen thưởng",
]
# Kinds of issuers printed under their parent agency's name (a department under the city's People's Committee).
UNDER_PARENT = {"department", "ec_office", "school"}
CITY_PLACE = "Đà Nẵng"
# Outcomes still on the list at each stage.
CONSOLIDATED = ("proposed_to_city",)
DECIDED = ("approved", "awarded", "escalated", "state_awarded", "state_not_awarded")
DROPPED = ("dropped_by_council", "ineligible", "held", "duplicate")


@dataclass(frozen=True)
class PlannedDocument:
    """One document to render: its kind, what it is about (for versioning) and the template context."""

    kind: DocumentKind
    subject: str
    context: dict[str, Any]
    sign: bool = False


@dataclass
class StepInput:
    """What a step knows: instance data, the register's numbering result, the acting user, the day."""

    data: dict[str, Any]
    numbering: dict[str, Any]
    actor: User | None
    instance_id: int
    params: dict[str, Any] = field(default_factory=dict)
    # Who signed the step's document (set by `meta_record`), kept with the document's context.
    signed_by: dict[str, Any] | None = None


# --- shared parts ----------------------------------------------------------------------------------


def sentence(text: str) -> str:
    """Free text from data as a sentence: capitalised, ending with a full stop."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


def meeting_day(data: dict) -> date:
    """The council meeting's day from the minutes form (`meeting_date`), else today."""
    value = data.get("meeting_date")
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    return config.today()


def text_value(data: dict, key: str, default: str) -> str:
    value = data.get(key)
    return str(value).strip() if isinstance(value, str) and value.strip() else default


def lines_of(data: dict, key: str, default: list[str]) -> list[str]:
    value = data.get(key)
    if isinstance(value, list) and value:
        return [str(item) for item in value if str(item).strip()]
    if isinstance(value, str) and value.strip():
        return [line for line in value.splitlines() if line.strip()]
    return list(default)


def unit_by_code(session: Session, code: str | None) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if code else None


def issuer_of(session: Session, numbering: dict) -> OrgUnit:
    unit = unit_by_code(session, numbering.get("issuer_org_unit_code"))
    if unit is None:
        raise InvalidState(msg("Không xác định được cơ quan ban hành."))
    return unit


def issuer_record(unit: OrgUnit) -> dict[str, Any]:
    parent = unit.parent.name if unit.parent is not None and unit.kind in UNDER_PARENT else None
    return {"name": unit.name, "abbreviation": (unit.abbreviation or unit.code).upper(), "parent_name": parent}


def place_of(unit: OrgUnit) -> str:
    """The place name of the issuer's seat: the ward or commune for its People's Committee, else the city."""
    if unit.kind == "commune_peoples_committee":
        for prefix in ("Ủy ban nhân dân phường ", "Ủy ban nhân dân xã ", "Ủy ban nhân dân đặc khu "):
            if unit.name.startswith(prefix):
                return unit.name[len(prefix):].strip()
    return CITY_PLACE


def meta_record(session: Session, step: StepInput, *, recipients: list[str], archive: list[str],
                personal: bool = False) -> dict[str, Any]:
    """Issuer, signer, date, place, number and recipients of the step's document."""
    unit = issuer_of(session, step.numbering)
    signer = signers.signer_record(session, unit=unit, data=step.data, params=step.params,
                                   instance_id=step.instance_id, actor=step.actor, personal=personal,
                                   issuer_role=str(step.numbering.get("issuer_role") or "unit"))
    step.signed_by = signer["user"]
    return {
        "issuer": issuer_record(unit),
        "signer": signers.printable(signer),
        "issued_on": step.numbering.get("issued_on") or config.today().isoformat(),
        "place": place_of(unit),
        "number": step.numbering.get("number"),
        "numbered": step.numbering.get("number") is not None,
        "recipients": lines_of(step.data, "recipients", recipients),
        "archive": lines_of(step.data, "archive", archive),
    }


def nominee_record(nominee: Nominee, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "name": nominee.name,
        "kind": nominee.kind if nominee.kind in ("collective", "individual", "enterprise", "household") else "other",
        "position": nominee.position,
        "unit": nominee.unit_name,
        "achievement_summary": nominee.achievement_summary or "",
        "proposed_form": labels.get(nominee.award_form, nominee.award_form),
        "award_code": nominee.award_form,
        "sex": nominee.sex,
        "score": str(nominee.dx_index_score) if nominee.dx_index_score is not None else None,
        "rank": nominee.rank,
    }


def movement_phrase(round_: AwardRound) -> str:
    name = round_.movement.name
    return f"{name[:1].lower()}{name[1:]} năm {round_.year}" if name else f"năm {round_.year}"


def round_of(session: Session, data: dict) -> AwardRound:
    round_id = data.get("round_id")
    round_ = session.get(AwardRound, int(round_id)) if round_id else None
    if round_ is None:
        raise InvalidState(msg("Thiếu đợt khen thưởng (round_id)."))
    return round_


def dossier_of(session: Session, data: dict) -> Dossier:
    dossier_id = data.get("dossier_id")
    dossier = session.get(Dossier, int(dossier_id)) if dossier_id else None
    if dossier is None:
        raise InvalidState(msg("Thiếu hồ sơ (dossier_id)."))
    return dossier


def round_form(session: Session, round_: AwardRound) -> str:
    return award_label(session, round_.award_form)


def nominees_at(session: Session, round_id: int, outcomes: tuple[str, ...]) -> list[Nominee]:
    return list(session.scalars(
        select(Nominee).where(Nominee.round_id == round_id, Nominee.outcome.in_(outcomes))
        .order_by(Nominee.rank.is_(None), Nominee.rank, Nominee.id)))


def earlier_document(session: Session, kind: DocumentKind, *, round_id: int | None = None,
             instance_id: int | None = None) -> GeneratedDocument | None:
    """The latest document of `kind` for this instance (or any instance of the round, via its context)."""
    query = select(GeneratedDocument).where(GeneratedDocument.kind == kind.value)
    if instance_id is not None:
        query = query.where(GeneratedDocument.instance_id == instance_id)
    rows = list(session.scalars(query.order_by(GeneratedDocument.id.desc()).limit(50)))
    if round_id is None:
        return rows[0] if rows else None
    for row in rows:
        if (row.context or {}).get("round_id") == round_id:
            return row
    return None


def reference_to(kind_name: str, document: GeneratedDocument | None, fallback: str) -> str:
    if document is None or not document.symbol:
        return fallback
    context = document.context or {}
    issued = context.get("issued_on")
    when = f" {format_long_date(date.fromisoformat(issued))}" if issued else ""
    return f"{kind_name} số {document.symbol}{when} của {context.get('issuer_name', '')}".rstrip()


# --- one builder per step kind ---------------------------------------------------------------------


def guidance_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = round_of(session, step.data)
    movement = movement_phrase(round_)
    # The deadline is stored in UTC; the document prints the local (Asia/Ho_Chi_Minh) date.
    deadline = round_.deadline.astimezone(VIETNAM_TZ).date() if round_.deadline else config.today()
    guidance_text = lines_of({"g": round_.guidance}, "g", [])
    sections = [
        {"title": "I. ĐỐI TƯỢNG, TIÊU CHUẨN",
         "paragraphs": guidance_text or [f"Tập thể, cá nhân có thành tích xuất sắc trong {movement}, đủ tiêu chuẩn "
                                         f"tặng {round_form(session, round_)} theo quy định."]},
        {"title": "II. HỒ SƠ, THỜI HẠN",
         "paragraphs": [f"Hồ sơ gồm: Tờ trình, Biên bản họp Hội đồng Thi đua - Khen thưởng, Báo cáo thành tích; "
                        f"gửi trước ngày {deadline:%d/%m/%Y}."]},
    ]
    quotas = [{"unit": quota.org_unit.name, "quota": quota.quota} for quota in round_.quotas]
    context = build_guidance_context(
        meta_record(session, step, recipients=["Các sở, ban, ngành", "Ủy ban nhân dân các phường, xã"],
                    archive=["TĐKT"]),
        subject=text_value(step.data, "subject", f"Xét khen thưởng {movement}"),
        legal_bases=lines_of(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        intro=text_value(step.data, "intro", f"{round_.lead_org_unit.name if round_.lead_org_unit else ''} hướng dẫn "
                                        f"việc xét, đề nghị khen thưởng {movement} như sau:".strip()),
        sections=step.data["sections"] if isinstance(step.data.get("sections"), list) and step.data["sections"]
        else sections,
        deadline=deadline,
        quotas=quotas,
        closing=text_value(step.data, "closing", "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ cơ quan "
                                            "chủ trì để được hướng dẫn./."),
    )
    return [PlannedDocument(DocumentKind.GUIDANCE, "", {**context, "round_id": round_.id})]


def unit_submission_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    dossier = dossier_of(session, step.data)
    round_ = dossier.round
    labels = award_labels(session)
    listed = [n for n in dossier.nominees if n.outcome not in DROPPED and n.council_passed is not False]
    lead = round_.lead_org_unit
    minutes = earlier_document(session, DocumentKind.COUNCIL_MINUTES, instance_id=step.instance_id)
    meeting = meeting_day(step.data)
    context = build_unit_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=[]),
        addressee=lead.name if lead else "Cơ quan chủ trì phong trào",
        award_form=round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=lines_of(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        council_minutes=reference_to("Biên bản họp Hội đồng Thi đua - Khen thưởng", minutes,
                                   f"Biên bản họp Hội đồng Thi đua - Khen thưởng {format_long_date(meeting)}"),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.UNIT_SUBMISSION, "", {**context, "round_id": round_.id,
                                                              "dossier_id": dossier.id})]


def consolidated_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = round_of(session, step.data)
    labels = award_labels(session)
    listed = nominees_at(session, round_.id, CONSOLIDATED)
    received = session.execute(
        select(func.count(Dossier.id), func.count(func.distinct(Dossier.org_unit_id)))
        .where(Dossier.round_id == round_.id, Dossier.status.in_(("submitted", "accepted", "closed")))
    ).one()
    context = build_consolidated_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=["TĐKT"]),
        addressees=["Ủy ban nhân dân thành phố", "Sở Nội vụ"],
        award_form=round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=lines_of(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        units_received=int(received[1]),
        dossiers_received=int(received[0]),
        review_summary=sentence(text_value(step.data, "consolidation_note",
                                      f"Qua rà soát, xếp hạng theo tiêu chí của đợt, {len(listed):02d} tập thể, cá "
                                      "nhân đủ điều kiện, trong chỉ tiêu được đề nghị khen thưởng")),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.CONSOLIDATED_SUBMISSION, "", {**context, "round_id": round_.id})]


def home_affairs_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = round_of(session, step.data)
    labels = award_labels(session)
    listed = nominees_at(session, round_.id, CONSOLIDATED + DECIDED)
    lead = earlier_document(session, DocumentKind.CONSOLIDATED_SUBMISSION, round_id=round_.id)
    lead_name = round_.lead_org_unit.name if round_.lead_org_unit else "cơ quan chủ trì"
    context = build_home_affairs_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=["TĐKT"]),
        award_form=round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=lines_of(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        lead_submission=reference_to("Tờ trình", lead, lead_name),
        appraisal_summary=sentence(text_value(step.data, "appraisal_summary", APPRAISAL_SUMMARY)),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.HOME_AFFAIRS_SUBMISSION, "", {**context, "round_id": round_.id})]


def decision_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = round_of(session, step.data)
    labels = award_labels(session)
    listed = nominees_at(session, round_.id, DECIDED)
    if not listed:
        raise InvalidState(msg("Không có đối tượng được phê duyệt."))
    issued_on = date.fromisoformat(step.numbering.get("issued_on") or config.today().isoformat())
    home_affairs = earlier_document(session, DocumentKind.HOME_AFFAIRS_SUBMISSION, round_id=round_.id)
    number = step.numbering.get("number")
    if number is None and step.numbering.get("symbol"):
        number = int(str(step.numbering["symbol"]).split("/")[0])
    step.numbering = {**step.numbering, "number": number}
    issuer = issuer_of(session, step.numbering)
    context = build_award_decision_context(
        meta_record(session, step, recipients=["Như Điều 3", "Sở Tài chính"], archive=["SNV"], personal=True),
        authority=f"Chủ tịch {issuer.name}",
        award_form=round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=lines_of(step.data, "legal_bases", [LOCAL_GOVERNMENT_LAW, *DEFAULT_LEGAL_BASES]),
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ"
                 + (f" tại {reference_to('Tờ trình', home_affairs, '')}" if home_affairs else ""),
        executors=text_value(step.data, "executors", "Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Nội vụ, "
                                                "Giám đốc Sở Tài chính, Thủ trưởng các cơ quan, đơn vị liên quan và "
                                                "các tập thể, cá nhân có tên tại Điều 1"),
        reward_policy=reward_policy(session, issued_on, funding_source=text_value(
            step.data, "funding_source", f"Quỹ Thi đua, khen thưởng thành phố năm {issued_on.year}")),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.AWARD_DECISION, "", {**context, "round_id": round_.id}, sign=True)]


def state_documents(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = round_of(session, step.data)
    labels = award_labels(session)
    ids = [int(value) for value in step.data.get("nominee_ids") or []]
    query = select(Nominee).where(Nominee.round_id == round_.id)
    query = query.where(Nominee.id.in_(ids)) if ids else query.where(Nominee.propose_state_level.is_(True))
    listed = list(session.scalars(query.order_by(Nominee.id)))
    if not listed:
        raise InvalidState(msg("Không có đối tượng đề nghị cấp Nhà nước."))
    decision = round_.decision_number or step.data.get("decision_number") or ""
    decided_on = round_.decision_date
    city_decision = f"Quyết định số {decision}" + (f" {format_long_date(decided_on)}" if decided_on else "") \
        + " của Chủ tịch Ủy ban nhân dân thành phố"
    state_form = award_label(session, step.data.get("state_award_form") or "pm_certificate_of_merit")
    context = build_state_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=["SNV"]),
        addressees=["Thủ tướng Chính phủ", "Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương)"],
        award_form=state_form,
        movement=movement_phrase(round_),
        legal_bases=lines_of(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        city_decision=city_decision,
        achievement_summary=sentence(text_value(step.data, "achievement_summary", STATE_SUMMARY)),
        nominees=[{**nominee_record(n, labels), "proposed_form": state_form} for n in listed],
    )
    return [PlannedDocument(DocumentKind.STATE_SUBMISSION, "", {**context, "round_id": round_.id})]
