"""Context builders for the round guidance (HD), council minutes (BB) and achievement reports (BC)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from service.documents.context_blocks import (
    common_context,
    format_clock,
    format_moment,
    nominee_row,
    signature_lines,
    subject_lines,
)
from service.documents.document_data import (
    Confirmation,
    CouncilMeeting,
    CouncilVote,
    DocumentMeta,
    Initiative,
    PriorAward,
    QuotaRow,
    Section,
    coerce,
)
from service.documents.numbering import format_long_date, format_short_date

from ..i18n import msg


def build_guidance_context(
    meta: DocumentMeta | dict,
    *,
    subject: str,
    legal_bases: Sequence[str],
    intro: str,
    sections: Sequence[Section | dict],
    deadline: date,
    quotas: Sequence[QuotaRow | dict],
    closing: str,
) -> dict[str, Any]:
    """The lead agency's guidance opening an award round, with the quota appendix."""
    meta = coerce(DocumentMeta, meta)
    context = common_context(meta, "HD")
    parts = [coerce(Section, s) for s in sections]
    rows = [coerce(QuotaRow, q) for q in quotas]
    return {
        **context,
        "doc_type": "HƯỚNG DẪN",
        "subject_lines": subject_lines(subject),
        "legal_bases": _bases(legal_bases),
        "intro": intro,
        "sections": [{"title": s.title, "paragraphs": list(s.paragraphs)} for s in parts],
        "deadline_text": format_short_date(deadline),
        "closing": closing,
        "quotas": [
            {"stt": str(i), "unit": q.unit, "quota": str(q.quota), "note": q.note} for i, q in enumerate(rows, start=1)
        ],
        "quota_total": str(sum(q.quota for q in rows)),
        "appendix_reference": (
            f"(Kèm theo Hướng dẫn số {context['document_symbol']} {format_long_date(meta.issued_on)} "
            f"của {meta.issuer.name})"
        ),
    }


def _bases(lines: Sequence[str]) -> list[str]:
    """Legal bases: each ends ";" and the last "." unless the caller wrote its own closing punctuation."""
    cleaned = [line.strip().rstrip(";.,") for line in lines if line.strip()]
    return [f"{text};" for text in cleaned[:-1]] + [f"{text}." for text in cleaned[-1:]]


def build_council_minutes_context(
    meta: DocumentMeta | dict,
    *,
    subject: str,
    meeting: CouncilMeeting | dict,
    votes: Sequence[CouncilVote | dict],
    conclusion: str,
) -> dict[str, Any]:
    """Minutes of the unit council's review with the secret-ballot result per nominee.

    The vote share is printed against the council's total membership, the base the law uses for
    "more than half of the members"; ``passed`` comes from the caller's configured rule.
    """
    meta = coerce(DocumentMeta, meta)
    meeting = coerce(CouncilMeeting, meeting)
    ballots = [coerce(CouncilVote, v) for v in votes]
    if not 0 < meeting.members_present <= meeting.members_total:
        raise ValueError(msg("Số thành viên có mặt không hợp lệ"))
    for ballot in ballots:
        if not 0 <= ballot.votes_for <= meeting.members_total:
            raise ValueError(msg("Số phiếu không hợp lệ", name=ballot.nominee.name))
    presence = meeting.members_present / meeting.members_total * 100
    same_day = meeting.ended_at.date() == meeting.started_at.date()
    ended_text = format_clock(meeting.ended_at)
    if not same_day:
        ended_text += f", {format_long_date(meeting.ended_at.date())}"
    rows = []
    for index, ballot in enumerate(ballots, start=1):
        row = nominee_row(ballot.nominee, index)
        row.update(
            votes=f"{ballot.votes_for}/{meeting.members_total}",
            percent=_percent(ballot.votes_for / meeting.members_total * 100),
            result="Đạt" if ballot.passed else "Không đạt",
        )
        rows.append(row)
    failed = [
        f"- {b.nominee.name}: không đạt" + (f" ({b.reason})" if b.reason else "") + ";" for b in ballots if not b.passed
    ]
    return {
        **common_context(meta, "BB"),
        "doc_type": "BIÊN BẢN",
        "subject_lines": subject_lines(subject),
        "started_text": format_moment(meeting.started_at),
        "ended_text": ended_text,
        "same_day": same_day,
        "location": meeting.location,
        "attendance_text": (
            f"Có mặt {meeting.members_present}/{meeting.members_total} thành viên {meeting.council_name} "
            f"(đạt tỷ lệ {_percent(presence)}%)"
        ),
        "attendees": [f"- {p.name}" + (f", {p.title}" if p.title else "") + (";" if i < len(meeting.attendees) else ".")
                      for i, p in enumerate(meeting.attendees, start=1)],
        "absent_note": meeting.absent_note or "",
        "chair_text": f"{meeting.chair.name}" + (f", {meeting.chair.title}" if meeting.chair.title else ""),
        "secretary_text": f"{meeting.secretary.name}"
        + (f", {meeting.secretary.title}" if meeting.secretary.title else ""),
        "content": list(meeting.content),
        "votes": rows,
        "failed_lines": failed,
        "conclusion": conclusion,
        "chair_name": meeting.chair.name,
        "secretary_name": meeting.secretary.name,
    }


def _percent(value: float) -> str:
    """Vietnamese decimal comma, one decimal: 77,8."""
    return f"{value:.1f}".replace(".", ",")


def _block(confirmation: Confirmation) -> dict[str, Any]:
    return {
        "title": confirmation.title.upper(),
        "text": confirmation.text or "",
        "signature_lines": signature_lines(confirmation.signer) if confirmation.signer else [],
        "name": confirmation.signer.name if confirmation.signer else "",
    }


def _confirmation_blocks(confirmations: Sequence[Confirmation | dict]) -> dict[str, Any]:
    """The first confirmation sits beside the report's own signature, at the same height; any further one
    (the superior's confirmation of an individual's report) below them, centred."""
    blocks = [_block(coerce(Confirmation, item)) for item in confirmations]
    return {"confirmations": blocks, "confirmation_left": blocks[0] if blocks else None,
            "confirmations_below": blocks[1:]}


def _report_common(
    meta: DocumentMeta,
    *,
    award_form: str,
    context_line: str,
    achievements: Sequence[str],
    prior_awards: Sequence[PriorAward | dict],
    confirmations: Sequence[Confirmation | dict],
    numbered: bool,
) -> dict[str, Any]:
    awards = [coerce(PriorAward, a) for a in prior_awards]
    return {
        **common_context(meta, "BC", numbered=numbered),
        "doc_type": "BÁO CÁO THÀNH TÍCH",
        "subject_lines": subject_lines(f"Đề nghị tặng {award_form}", context_line),
        "achievements": list(achievements),
        "prior_awards": [{"year": str(a.year), "form": a.form, "decision": a.decision} for a in awards],
        **_confirmation_blocks(confirmations),
    }


def build_collective_report_context(
    meta: DocumentMeta | dict,
    *,
    award_form: str,
    context_line: str,
    profile: Sequence[str],
    achievements: Sequence[str],
    prior_awards: Sequence[PriorAward | dict],
    confirmations: Sequence[Confirmation | dict],
) -> dict[str, Any]:
    """A collective's achievement report; the unit head signs, confirmation blocks sit on the left."""
    meta = coerce(DocumentMeta, meta)
    context = _report_common(
        meta,
        award_form=award_form,
        context_line=context_line,
        achievements=achievements,
        prior_awards=prior_awards,
        confirmations=confirmations,
        numbered=meta.numbered,
    )
    return {**context, "profile": list(profile)}


def build_individual_report_context(
    meta: DocumentMeta | dict,
    *,
    award_form: str,
    context_line: str,
    profile: Sequence[str],
    duties: Sequence[str],
    achievements: Sequence[str],
    initiatives: Sequence[Initiative | dict],
    prior_awards: Sequence[PriorAward | dict],
    confirmations: Sequence[Confirmation | dict],
) -> dict[str, Any]:
    """An individual's achievement report, signed by the person; numbered only when ``meta.number`` is set."""
    meta = coerce(DocumentMeta, meta)
    context = _report_common(
        meta,
        award_form=award_form,
        context_line=context_line,
        achievements=achievements,
        prior_awards=prior_awards,
        confirmations=confirmations,
        numbered=meta.numbered and meta.number is not None,
    )
    items = [coerce(Initiative, i) for i in initiatives]
    return {
        **context,
        "profile": list(profile),
        "duties": list(duties),
        "initiatives": [
            {"stt": str(i), "name": item.name, "recognition": item.recognition} for i, item in enumerate(items, 1)
        ],
    }
