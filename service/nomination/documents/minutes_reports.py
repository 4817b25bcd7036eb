"""Template contexts of the council minutes (BB) and the achievement reports (BC) of a unit's dossier.

The minutes print what the council-minutes form recorded: the members present by name and position, the
chair and the secretary, the meeting's day and its start and end times; they are dated the meeting day. The
reports are signed by the unit's head who signed off the dossier and confirmed by the direct superior who
confirmed them in the workflow (the diagram names both steps).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from ...documents import DocumentKind, build_collective_report_context, build_council_minutes_context
from ...errors import InvalidState
from ...i18n import msg
from ...models import Nominee, OrgUnit
from . import signers
from .contexts import (
    DROPPED,
    PlannedDocument,
    StepInput,
    award_label,
    award_labels,
    dossier_of,
    issuer_of,
    lines_of,
    meeting_day,
    meta_record,
    movement_phrase,
    nominee_record,
    round_form,
    sentence,
    text_value,
)
from .individual_report import individual_report_context

CLOCK = re.compile(r"^([01]?\d|2[0-3])[:hH]([0-5]\d)$")
COUNCIL_NAME = "Hội đồng Thi đua - Khen thưởng"
CONCLUSION = "Hội đồng thống nhất đề nghị khen thưởng các tập thể, cá nhân đạt số phiếu theo quy định"


def _clock(data: dict, key: str) -> time:
    match = CLOCK.match(str(data.get(key) or "").strip())
    if match is None:
        raise InvalidState(msg("Biên bản thiếu giờ '{key}' (HH:MM).", key=key))
    return time(int(match.group(1)), int(match.group(2)))


def _person(value: Any) -> dict[str, str] | None:
    if isinstance(value, dict) and str(value.get("name") or "").strip():
        return {"name": str(value["name"]).strip(), "title": str(value.get("position") or "").strip()}
    return None


def _attendees(data: dict) -> list[dict[str, str]]:
    people = [_person(item) for item in data.get("council_attendees") or []]
    return [person for person in people if person is not None]


def _named(data: dict, key: str, label: str) -> dict[str, str]:
    name = text_value(data, key, "")
    if not name:
        raise InvalidState(msg("Biên bản thiếu {label}.", label=label, key=key))
    return {"name": name, "title": text_value(data, f"{key}_position", "")}


def council_minutes(session: Session, step: StepInput) -> list[PlannedDocument]:
    """BB: the minutes of the unit council's review, from the council-minutes form and the ballots."""
    dossier = dossier_of(session, step.data)
    unit = issuer_of(session, step.numbering)
    total = int(step.data.get("council_members_total") or dossier.council_members_total or 0)
    present = int(step.data.get("council_members_present") or dossier.council_members_present or 0)
    attendees = _attendees(step.data)
    if not 0 < present <= total or len(attendees) != present:
        raise InvalidState(msg("Danh sách thành viên dự họp phải có đủ số thành viên có mặt."))
    chair, secretary = _named(step.data, "council_chair", "chủ trì"), _named(step.data, "council_secretary", "thư ký")
    day = meeting_day(step.data)
    started, ended = datetime.combine(day, _clock(step.data, "meeting_start")), \
        datetime.combine(day, _clock(step.data, "meeting_end"))
    if ended <= started:
        raise InvalidState(msg("Giờ kết thúc phải sau giờ bắt đầu."))
    labels = award_labels(session)
    votes = [{"nominee": nominee_record(n, labels), "votes_for": int(n.votes_for or 0),
              "passed": bool(n.council_passed), "reason": n.outcome_reason if not n.council_passed else None}
             for n in dossier.nominees]
    # The minutes are dated the meeting day; the council writes them under the unit's name, unnumbered
    # (parameter `document.kinds`), and its chair and secretary sign them.
    step.numbering = {**step.numbering, "issued_on": day.isoformat()}
    meta = meta_record(session, step, recipients=["Thành viên Hội đồng"], archive=[])
    meta["issuer"] = {"name": COUNCIL_NAME, "abbreviation": meta["issuer"]["abbreviation"], "parent_name": unit.name}
    meta["signer"] = {"title": "Chủ tọa", "name": chair["name"]}
    step.signed_by = {"chair": chair, "secretary": secretary, "signed_in": step.params.get("signed_in")}
    context = build_council_minutes_context(
        meta,
        subject=f"Họp xét đề nghị khen thưởng {movement_phrase(dossier.round)}",
        meeting={
            "council_name": f"{COUNCIL_NAME} {unit.name}", "started_at": started.isoformat(),
            "ended_at": ended.isoformat(),
            "location": text_value(step.data, "meeting_location", f"Trụ sở {unit.name}"),
            "chair": chair, "secretary": secretary, "members_total": total, "members_present": present,
            "attendees": attendees,
            "content": [sentence(line) for line in lines_of(step.data, "meeting_content", [
                "Thư ký Hội đồng báo cáo tóm tắt thành tích của các tập thể, cá nhân được đề nghị",
                "Hội đồng thảo luận, đối chiếu tiêu chuẩn và bỏ phiếu kín"])],
        },
        votes=votes,
        conclusion=sentence(text_value(step.data, "council_conclusion", CONCLUSION)),
    )
    return [PlannedDocument(DocumentKind.COUNCIL_MINUTES, "", {**context, "round_id": dossier.round_id,
                                                              "dossier_id": dossier.id})]


def _confirmation(session: Session, step: StepInput, *, title: str, element: str | None,
                  fallback_unit: OrgUnit | None) -> dict[str, Any]:
    """A confirmation block signed by whoever completed `element` for his own unit; without such a step it
    is left for a signature by hand (title and "(Ký, đóng dấu)", no name guessed)."""
    if element:
        try:
            user = signers.step_signer(session, instance_id=step.instance_id, element_id=element,
                                       actor=step.actor)
        except InvalidState:
            user = None
        if user is not None and user.org_unit is not None:
            signature = signers.signature(user.org_unit, "head", user.full_name)
            return {"title": title, "signer": signature, "text": None}
    unit_name = f" ({fallback_unit.name})" if fallback_unit is not None else ""
    return {"title": title, "signer": None, "text": f"(Ký, đóng dấu){unit_name}"}


def _report_meta(session: Session, step: StepInput, unit: OrgUnit) -> dict[str, Any]:
    meta = meta_record(session, step, recipients=[], archive=[])
    # A report is written by the unit under its superior's name ("ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG" /
    # "SỞ TÀI CHÍNH"), unnumbered.
    meta["issuer"] = {"name": unit.name, "abbreviation": meta["issuer"]["abbreviation"],
                      "parent_name": unit.parent.name if unit.parent is not None else None}
    meta["number"], meta["numbered"] = None, False
    return meta


def reports(session: Session, step: StepInput) -> list[PlannedDocument]:
    """BC: one achievement report per nominee still proposed (collective or individual form)."""
    dossier = dossier_of(session, step.data)
    round_ = dossier.round
    unit = issuer_of(session, step.numbering)
    form = round_form(session, round_)
    line = f"(Thành tích trong {movement_phrase(round_)})"
    superior = _confirmation(session, step, title="Xác nhận của cấp trình khen thưởng",
                             element=step.params.get("confirmed_in"), fallback_unit=unit.parent)
    planned = []
    for nominee in dossier.nominees:
        if nominee.outcome in DROPPED:
            continue
        meta = _report_meta(session, step, unit)
        award_form = award_label(session, nominee.award_form) or form
        if nominee.kind == "individual":
            context = individual_report_context(meta, nominee, award_form=award_form, context_line=line,
                                                superior=superior)
            kind = DocumentKind.INDIVIDUAL_REPORT
        else:
            context = build_collective_report_context(
                meta, award_form=award_form, context_line=line, profile=_collective_profile(nominee, unit),
                achievements=_achievements(nominee), prior_awards=[], confirmations=[superior])
            kind = DocumentKind.COLLECTIVE_REPORT
        planned.append(PlannedDocument(kind, f"nominee:{nominee.id}",
                                       {**context, "round_id": round_.id, "dossier_id": dossier.id}))
    return planned


def _collective_profile(nominee: Nominee, unit: OrgUnit) -> list[str]:
    lines = [f"1. Tên tập thể: {nominee.name}."]
    if unit.parent is not None:
        lines.append(f"2. Cơ quan quản lý trực tiếp: {unit.parent.name}.")
    return lines


def _achievements(nominee: Nominee) -> list[str]:
    lines = [sentence(nominee.achievement_summary)] if nominee.achievement_summary else []
    if nominee.dx_index_score is not None:
        score = f"{float(nominee.dx_index_score):.2f}".replace(".", ",")
        lines.append(f"Chỉ số chuyển đổi số đạt {score} điểm" + (f", xếp thứ {nominee.rank}." if nominee.rank
                                                                 else "."))
    if not lines:
        raise InvalidState(msg("Chưa có tóm tắt thành tích của {name}.", name=nominee.name))
    return lines
