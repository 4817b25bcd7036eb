"""Template contexts for the documents a nomination step produces, built from the domain rows.

`build_step_documents` turns a `generate_document` kind (HD, TTr_unit, BB, BC, TTr_lead, TTr_home_affairs, QD,
TTr_state; docs/nomination_design.md) into one or more (document kind, subject, context) to render: the
issuer and number come from the register (`service.nomination.documents.generate`), the lists from the
dossier and round tables, the amounts from the dated reward parameters. Instance data may override the
free-text parts (signer, recipients, legal bases, summaries), so an officer's wording wins over defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..documents import (
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
from ..documents.numbering import format_long_date
from ..errors import InvalidState
from ..i18n import msg
from ..models import AwardRound, Dossier, GeneratedDocument, Nominee, OrgUnit, User
from ..nomination import config

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

# Names of award forms as printed; the dated parameter `document.award_form_labels` overrides or extends them.
AWARD_FORM_LABELS = {
    "city_chairman_certificate_of_merit": "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố",
    "pm_certificate_of_merit": "Bằng khen của Thủ tướng Chính phủ",
    "provincial_emulation_flag": "Cờ thi đua của Ủy ban nhân dân thành phố",
    "government_emulation_flag": "Cờ thi đua của Chính phủ",
    "excellent_collective": "Tập thể lao động xuất sắc",
    "advanced_collective": "Tập thể lao động tiên tiến",
    "provincial_emulation_fighter": "Chiến sĩ thi đua thành phố",
    "grassroots_emulation_fighter": "Chiến sĩ thi đua cơ sở",
    "national_emulation_fighter": "Chiến sĩ thi đua toàn quốc",
    "certificate_of_commendation": "Giấy khen",
    "advanced_worker": "Lao động tiên tiến",
}
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


@dataclass(frozen=True)
class StepInput:
    """What a step knows: instance data, the register's numbering result, the acting user, the day."""

    data: dict[str, Any]
    numbering: dict[str, Any]
    actor: User | None
    instance_id: int


# --- shared parts ----------------------------------------------------------------------------------


def _text(data: dict, key: str, default: str) -> str:
    value = data.get(key)
    return str(value).strip() if isinstance(value, str) and value.strip() else default


def _lines(data: dict, key: str, default: list[str]) -> list[str]:
    value = data.get(key)
    if isinstance(value, list) and value:
        return [str(item) for item in value if str(item).strip()]
    if isinstance(value, str) and value.strip():
        return [line for line in value.splitlines() if line.strip()]
    return list(default)


def _unit(session: Session, code: str | None) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if code else None


def _issuer(session: Session, numbering: dict) -> OrgUnit:
    unit = _unit(session, numbering.get("issuer_org_unit_code"))
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


def default_title(unit: OrgUnit) -> str:
    if unit.kind in ("city_peoples_committee", "commune_peoples_committee"):
        return "Chủ tịch"
    if unit.kind == "department":
        return "Giám đốc"
    if unit.kind == "enterprise":
        return "Giám đốc"
    return "Thủ trưởng đơn vị"


def signer_record(data: dict, unit: OrgUnit, actor: User | None) -> dict[str, Any]:
    """Who signs: `signer_name`/`signer_title` from the data, else the user who completed the signing step."""
    record: dict[str, Any] = {
        "title": _text(data, "signer_title", default_title(unit)),
        "name": _text(data, "signer_name", actor.full_name if actor is not None and actor.full_name else ""),
    }
    if not record["name"]:
        record["name"] = "\u00a0"  # left blank for a wet signature rather than guessed
    delegation = data.get("signer_delegation")
    if delegation in ("TM.", "KT.", "TL.", "TUQ.", "Q."):
        record["delegation"] = delegation
        record["acting_title"] = _text(data, "signer_acting_title", default_title(unit))
    elif unit.kind == "city_peoples_committee" and record["title"] == "Chủ tịch":
        record.update(delegation="TM.", acting_title="Ủy ban nhân dân")
    return record


def meta_record(session: Session, step: StepInput, *, recipients: list[str], archive: list[str]) -> dict[str, Any]:
    unit = _issuer(session, step.numbering)
    return {
        "issuer": issuer_record(unit),
        "signer": signer_record(step.data, unit, step.actor),
        "issued_on": step.numbering.get("issued_on") or config.today().isoformat(),
        "place": place_of(unit),
        "number": step.numbering.get("number"),
        "recipients": _lines(step.data, "recipients", recipients),
        "archive": _lines(step.data, "archive", archive),
    }


def _award_labels(session: Session) -> dict[str, str]:
    return {**AWARD_FORM_LABELS, **(config.param(session, "document.award_form_labels", default={}) or {})}


def award_label(session: Session, code: str | None) -> str:
    return _award_labels(session).get(code or "", code or "")


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


def _round(session: Session, data: dict) -> AwardRound:
    round_id = data.get("round_id")
    round_ = session.get(AwardRound, int(round_id)) if round_id else None
    if round_ is None:
        raise InvalidState(msg("Thiếu đợt khen thưởng (round_id)."))
    return round_


def _dossier(session: Session, data: dict) -> Dossier:
    dossier_id = data.get("dossier_id")
    dossier = session.get(Dossier, int(dossier_id)) if dossier_id else None
    if dossier is None:
        raise InvalidState(msg("Thiếu hồ sơ (dossier_id)."))
    return dossier


def _round_form(session: Session, round_: AwardRound) -> str:
    return award_label(session, round_.award_form)


def _nominees(session: Session, round_id: int, outcomes: tuple[str, ...]) -> list[Nominee]:
    return list(session.scalars(
        select(Nominee).where(Nominee.round_id == round_id, Nominee.outcome.in_(outcomes))
        .order_by(Nominee.rank.is_(None), Nominee.rank, Nominee.id)))


def _earlier(session: Session, kind: DocumentKind, *, round_id: int | None = None,
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


def _reference(kind_name: str, document: GeneratedDocument | None, fallback: str) -> str:
    if document is None or not document.symbol:
        return fallback
    context = document.context or {}
    issued = context.get("issued_on")
    when = f" {format_long_date(date.fromisoformat(issued))}" if issued else ""
    return f"{kind_name} số {document.symbol}{when} của {context.get('issuer_name', '')}".rstrip()


def reward_policy(session: Session, on: date, *, funding_source: str) -> dict[str, Any]:
    """Base salary, multipliers (households: the individual rate × the household factor) and rounding in force."""
    multipliers = config.param(session, "reward.multipliers", on=on)
    numerator, denominator = config.fraction(config.param(session, "reward.household_factor", on=on,
                                                          default={"numerator": 1, "denominator": 1}))
    labels = _award_labels(session)
    rates = []
    for row in multipliers:
        label = labels.get(row["award_code"], row["award_code"])
        rates.append({**row, "label": label})
        if row["subject_kind"] == "individual":
            household = Decimal(str(row["multiplier"])) * numerator / denominator
            rates.append({"award_code": row["award_code"], "subject_kind": "household",
                          "multiplier": str(household), "label": label})
    return {
        "base_salary": int(config.param(session, "reward.base_salary", on=on)),
        "rounding_unit": int(config.param(session, "reward.rounding_unit", on=on, default=1)),
        "funding_source": funding_source,
        "rates": rates,
    }


# --- one builder per step kind ---------------------------------------------------------------------


def _guidance(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = _round(session, step.data)
    movement = movement_phrase(round_)
    deadline = round_.deadline.date() if round_.deadline else config.today()
    guidance_text = _lines({"g": round_.guidance}, "g", [])
    sections = [
        {"title": "I. ĐỐI TƯỢNG, TIÊU CHUẨN",
         "paragraphs": guidance_text or [f"Tập thể, cá nhân có thành tích xuất sắc trong {movement}, đủ tiêu chuẩn "
                                         f"tặng {_round_form(session, round_)} theo quy định."]},
        {"title": "II. HỒ SƠ, THỜI HẠN",
         "paragraphs": [f"Hồ sơ gồm: Tờ trình, Biên bản họp Hội đồng Thi đua - Khen thưởng, Báo cáo thành tích; "
                        f"gửi trước ngày {deadline:%d/%m/%Y}."]},
    ]
    quotas = [{"unit": quota.org_unit.name, "quota": quota.quota} for quota in round_.quotas]
    context = build_guidance_context(
        meta_record(session, step, recipients=["Các sở, ban, ngành", "Ủy ban nhân dân các phường, xã"],
                    archive=["TĐKT"]),
        subject=_text(step.data, "subject", f"Xét khen thưởng {movement}"),
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        intro=_text(step.data, "intro", f"{round_.lead_org_unit.name if round_.lead_org_unit else ''} hướng dẫn "
                                        f"việc xét, đề nghị khen thưởng {movement} như sau:".strip()),
        sections=step.data["sections"] if isinstance(step.data.get("sections"), list) and step.data["sections"]
        else sections,
        deadline=deadline,
        quotas=quotas,
        closing=_text(step.data, "closing", "Trong quá trình thực hiện, nếu có vướng mắc, đề nghị liên hệ cơ quan "
                                            "chủ trì để được hướng dẫn./."),
    )
    return [PlannedDocument(DocumentKind.GUIDANCE, "", {**context, "round_id": round_.id})]


def _unit_submission(session: Session, step: StepInput) -> list[PlannedDocument]:
    dossier = _dossier(session, step.data)
    round_ = dossier.round
    labels = _award_labels(session)
    listed = [n for n in dossier.nominees if n.outcome not in DROPPED and n.council_passed is not False]
    lead = round_.lead_org_unit
    minutes = _earlier(session, DocumentKind.COUNCIL_MINUTES, instance_id=step.instance_id)
    meeting = _meeting_day(step.data)
    context = build_unit_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=[]),
        addressee=lead.name if lead else "Cơ quan chủ trì phong trào",
        award_form=_round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        council_minutes=_reference("Biên bản họp Hội đồng Thi đua - Khen thưởng", minutes,
                                   f"Biên bản họp Hội đồng Thi đua - Khen thưởng {format_long_date(meeting)}"),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.UNIT_SUBMISSION, "", {**context, "round_id": round_.id,
                                                              "dossier_id": dossier.id})]


def _meeting_day(data: dict) -> date:
    value = data.get("meeting_date")
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    return config.today()


def _council_minutes(session: Session, step: StepInput) -> list[PlannedDocument]:
    dossier = _dossier(session, step.data)
    unit = _issuer(session, step.numbering)
    total = int(step.data.get("council_members_total") or dossier.council_members_total or 0)
    present = int(step.data.get("council_members_present") or dossier.council_members_present or 0)
    if not 0 < present <= total:
        raise InvalidState(msg("Chưa ghi số thành viên Hội đồng có mặt."))
    labels = _award_labels(session)
    day = _meeting_day(step.data)
    chair = _text(step.data, "council_chair", step.actor.full_name if step.actor else "")
    secretary = _text(step.data, "council_secretary", "\u00a0")
    votes = [
        {"nominee": nominee_record(n, labels), "votes_for": int(n.votes_for or 0), "passed": bool(n.council_passed),
         "reason": n.outcome_reason if not n.council_passed else None}
        for n in dossier.nominees
    ]
    meta = meta_record(session, step, recipients=["Thành viên Hội đồng"], archive=[])
    # The council issues the minutes under the unit's name (its own series); the chair signs.
    meta["issuer"] = {"name": "Hội đồng Thi đua - Khen thưởng", "abbreviation": meta["issuer"]["abbreviation"],
                      "parent_name": unit.name}
    meta["signer"] = {"title": "Chủ tịch Hội đồng", "name": chair or "\u00a0"}
    context = build_council_minutes_context(
        meta,
        subject=f"Họp xét đề nghị khen thưởng {movement_phrase(dossier.round)}",
        meeting={
            "council_name": f"Hội đồng Thi đua - Khen thưởng {unit.name}",
            "started_at": datetime.combine(day, time(8, 0)).isoformat(),
            "ended_at": datetime.combine(day, time(11, 0)).isoformat(),
            "location": _text(step.data, "meeting_location", f"Trụ sở {unit.name}"),
            "chair": {"name": chair or "\u00a0", "title": "Chủ tịch Hội đồng"},
            "secretary": {"name": secretary, "title": "Thư ký Hội đồng"},
            "members_total": total,
            "members_present": present,
            "content": _lines(step.data, "meeting_content", [
                "Thư ký Hội đồng báo cáo tóm tắt thành tích của các tập thể, cá nhân được đề nghị.",
                "Hội đồng thảo luận và bỏ phiếu kín."]),
        },
        votes=votes,
        conclusion=_text(step.data, "council_conclusion", "Hội đồng thống nhất đề nghị khen thưởng các tập thể, "
                                                          "cá nhân đạt số phiếu theo quy định."),
    )
    # The secretary signs beside the chair; the meta's own signer block carries the chair.
    return [PlannedDocument(DocumentKind.COUNCIL_MINUTES, "", {**context, "round_id": dossier.round_id,
                                                              "dossier_id": dossier.id})]


def _reports(session: Session, step: StepInput) -> list[PlannedDocument]:
    dossier = _dossier(session, step.data)
    round_ = dossier.round
    unit = _issuer(session, step.numbering)
    form = _round_form(session, round_)
    line = f"(Thành tích trong {movement_phrase(round_)})"
    planned = []
    for nominee in dossier.nominees:
        if nominee.outcome in DROPPED:
            continue
        head = signer_record(step.data, unit, step.actor)
        confirmations = [{"title": "Xác nhận của cấp trình khen thưởng", "signer": head}]
        initiatives = [{"name": str(item.get("title") or item.get("name") or ""),
                        "recognition": str(item.get("recognised_by") or "")}
                       for item in (nominee.initiatives or []) if isinstance(item, dict)]
        achievements = [nominee.achievement_summary] if nominee.achievement_summary else []
        if nominee.kind == "individual":
            meta = meta_record(session, step, recipients=[], archive=[])
            meta["signer"] = {"title": "Người báo cáo thành tích", "name": nominee.name}
            meta["number"] = None
            context = build_individual_report_context(
                meta, award_form=nominee_label(session, nominee, form), context_line=line,
                profile=[f"- Họ và tên: {nominee.name}."] + ([f"- Chức vụ: {nominee.position}."] if nominee.position
                                                              else []),
                duties=[nominee.position or ""] if nominee.position else [],
                achievements=achievements, initiatives=initiatives, prior_awards=[], confirmations=confirmations)
            kind = DocumentKind.INDIVIDUAL_REPORT
        else:
            meta = meta_record(session, step, recipients=[], archive=[])
            meta["issuer"] = {"name": nominee.name if nominee.kind != "household" else unit.name,
                              "abbreviation": meta["issuer"]["abbreviation"], "parent_name": None}
            context = build_collective_report_context(
                meta, award_form=nominee_label(session, nominee, form), context_line=line,
                profile=[f"1. Tên tập thể: {nominee.name}."], achievements=achievements, prior_awards=[],
                confirmations=confirmations)
            kind = DocumentKind.COLLECTIVE_REPORT
        planned.append(PlannedDocument(kind, f"nominee:{nominee.id}",
                                       {**context, "round_id": round_.id, "dossier_id": dossier.id}))
    return planned


def nominee_label(session: Session, nominee: Nominee, default: str) -> str:
    return award_label(session, nominee.award_form) or default


def _consolidated(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = _round(session, step.data)
    labels = _award_labels(session)
    listed = _nominees(session, round_.id, CONSOLIDATED)
    received = session.execute(
        select(func.count(Dossier.id), func.count(func.distinct(Dossier.org_unit_id)))
        .where(Dossier.round_id == round_.id, Dossier.status.in_(("submitted", "accepted", "closed")))
    ).one()
    context = build_consolidated_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=["TĐKT"]),
        addressees=["Ủy ban nhân dân thành phố", "Sở Nội vụ"],
        award_form=_round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        units_received=int(received[1]),
        dossiers_received=int(received[0]),
        review_summary=_text(step.data, "consolidation_note",
                             f"Qua rà soát, xếp hạng theo tiêu chí của đợt, {len(listed):02d} tập thể, cá nhân "
                             "đủ điều kiện, trong chỉ tiêu được đề nghị khen thưởng."),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.CONSOLIDATED_SUBMISSION, "", {**context, "round_id": round_.id})]


def _home_affairs(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = _round(session, step.data)
    labels = _award_labels(session)
    listed = _nominees(session, round_.id, CONSOLIDATED + DECIDED)
    lead = _earlier(session, DocumentKind.CONSOLIDATED_SUBMISSION, round_id=round_.id)
    lead_name = round_.lead_org_unit.name if round_.lead_org_unit else "cơ quan chủ trì"
    context = build_home_affairs_submission_context(
        meta_record(session, step, recipients=["Như trên"], archive=["TĐKT"]),
        award_form=_round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        lead_submission=_reference("Tờ trình", lead, lead_name),
        appraisal_summary=_text(step.data, "appraisal_summary", "Sau khi thẩm định, hồ sơ của các tập thể, cá nhân "
                                                                "đủ điều kiện, tiêu chuẩn theo quy định."),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.HOME_AFFAIRS_SUBMISSION, "", {**context, "round_id": round_.id})]


def _decision(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = _round(session, step.data)
    labels = _award_labels(session)
    listed = _nominees(session, round_.id, DECIDED)
    if not listed:
        raise InvalidState(msg("Không có đối tượng được phê duyệt."))
    issued_on = date.fromisoformat(step.numbering.get("issued_on") or config.today().isoformat())
    home_affairs = _earlier(session, DocumentKind.HOME_AFFAIRS_SUBMISSION, round_id=round_.id)
    number = step.numbering.get("number")
    if number is None and step.numbering.get("symbol"):
        number = int(str(step.numbering["symbol"]).split("/")[0])
    step = StepInput(step.data, {**step.numbering, "number": number}, step.actor, step.instance_id)
    issuer = _issuer(session, step.numbering)
    context = build_award_decision_context(
        meta_record(session, step, recipients=["Như Điều 3", "Sở Tài chính"], archive=["SNV"]),
        authority=f"Chủ tịch {issuer.name}",
        award_form=_round_form(session, round_),
        movement=movement_phrase(round_),
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ"
                 + (f" tại {_reference('Tờ trình', home_affairs, '')}" if home_affairs else ""),
        executors=_text(step.data, "executors", "Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Nội vụ, "
                                                "Giám đốc Sở Tài chính, Thủ trưởng các cơ quan, đơn vị liên quan và "
                                                "các tập thể, cá nhân có tên tại Điều 1"),
        reward_policy=reward_policy(session, issued_on, funding_source=_text(
            step.data, "funding_source", f"Quỹ Thi đua, khen thưởng thành phố năm {issued_on.year}")),
        nominees=[nominee_record(n, labels) for n in listed],
    )
    return [PlannedDocument(DocumentKind.AWARD_DECISION, "", {**context, "round_id": round_.id}, sign=True)]


def _state(session: Session, step: StepInput) -> list[PlannedDocument]:
    round_ = _round(session, step.data)
    labels = _award_labels(session)
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
        legal_bases=_lines(step.data, "legal_bases", DEFAULT_LEGAL_BASES),
        city_decision=city_decision,
        achievement_summary=_text(step.data, "achievement_summary", "Các tập thể, cá nhân đã có thành tích đặc biệt "
                                                                    "xuất sắc, tiêu biểu của thành phố."),
        nominees=[{**nominee_record(n, labels), "proposed_form": state_form} for n in listed],
    )
    return [PlannedDocument(DocumentKind.STATE_SUBMISSION, "", {**context, "round_id": round_.id})]


BUILDERS = {
    "HD": _guidance,
    "TTr_unit": _unit_submission,
    "BB": _council_minutes,
    "BC": _reports,
    "TTr_lead": _consolidated,
    "TTr_home_affairs": _home_affairs,
    "QD": _decision,
    "TTr_state": _state,
}


def build_step_documents(session: Session, *, step_kind: str, data: dict, numbering: dict, actor: User | None,
                         instance_id: int) -> list[PlannedDocument]:
    """The documents a `generate_document` step of `step_kind` renders, with their contexts."""
    builder = BUILDERS.get(step_kind)
    if builder is None:
        raise InvalidState(msg("Loại văn bản không hỗ trợ: {step_kind!r}.", step_kind=step_kind))
    return builder(session, StepInput(data=data, numbering=numbering, actor=actor, instance_id=instance_id))
