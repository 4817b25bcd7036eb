"""Context builders for the four submissions (Tờ trình, TTr): unit, lead agency, Home Affairs, State level."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from service.documents.context_blocks import (
    addressee_context,
    common_context,
    count_phrase,
    nominee_row,
    subject_lines,
)
from service.documents.document_data import DocumentMeta, Nominee, coerce
from service.documents.numbering import format_long_date

TYPE_ABBR = "TTr"


def _submission(
    meta: DocumentMeta,
    *,
    subject: str,
    addressees: Sequence[str],
    body: list[str],
    nominees: Sequence[Nominee],
    list_title: str,
) -> dict[str, Any]:
    context = common_context(meta, TYPE_ABBR)
    rows = [nominee_row(n, i) for i, n in enumerate(nominees, start=1)]
    return {
        **context,
        **addressee_context(addressees),
        "doc_type": "TỜ TRÌNH",
        "subject_lines": subject_lines(subject),
        "body": body,
        "nominees": rows,
        # Balanced like a subject: no lone "PHỐ" on the title's last line.
        "list_title_lines": subject_lines(*[line.upper() if i == 0 else line
                                            for i, line in enumerate(list_title.splitlines())]),
        "list_reference": _list_reference(context["document_symbol"], meta.issued_on, meta.issuer.name),
    }


def _list_reference(symbol: str, issued_on: date, issuer_name: str) -> str:
    return f"(Kèm theo Tờ trình số {symbol} {format_long_date(issued_on)} của {issuer_name})"


def build_unit_submission_context(
    meta: DocumentMeta | dict,
    *,
    addressee: str,
    award_form: str,
    movement: str,
    legal_bases: Sequence[str],
    council_minutes: str,
    nominees: Sequence[Nominee | dict],
) -> dict[str, Any]:
    """The unit's submission to the lead agency with its nominee list.

    ``council_minutes`` is the reference phrase, e.g. "Biên bản họp Hội đồng Thi đua - Khen thưởng
    phường Hải Châu ngày 20 tháng 11 năm 2025".
    """
    meta = coerce(DocumentMeta, meta)
    listed = [coerce(Nominee, n) for n in nominees]
    issuer = meta.issuer.name
    body = [
        *[_basis(line, last=False) for line in legal_bases],
        f"Căn cứ {council_minutes},",
        f"{issuer} kính đề nghị {addressee} xem xét, tổng hợp, trình Chủ tịch Ủy ban nhân dân thành phố "
        f"tặng {award_form} cho {count_phrase(listed)} đã có thành tích xuất sắc trong {movement} "
        f"(có danh sách và hồ sơ kèm theo).",
        f"Kính trình {addressee} xem xét, quyết định./.",
    ]
    return _submission(
        meta,
        subject=f"Đề nghị tặng {award_form} trong {movement}",
        addressees=[addressee],
        body=body,
        nominees=listed,
        list_title=f"Danh sách đề nghị tặng {award_form}",
    )


def build_consolidated_submission_context(
    meta: DocumentMeta | dict,
    *,
    addressees: Sequence[str],
    award_form: str,
    movement: str,
    legal_bases: Sequence[str],
    units_received: int,
    dossiers_received: int,
    review_summary: str,
    nominees: Sequence[Nominee | dict],
) -> dict[str, Any]:
    """The lead agency's consolidated submission with the ranked list (score and rank columns)."""
    meta = coerce(DocumentMeta, meta)
    listed = [coerce(Nominee, n) for n in nominees]
    issuer = meta.issuer.name
    body = [
        *[_basis(line, last=False) for line in legal_bases],
        f"{issuer} đã tiếp nhận {dossiers_received} hồ sơ đề nghị khen thưởng của {units_received} đơn vị. "
        f"{review_summary}",
        f"{issuer} kính trình Chủ tịch Ủy ban nhân dân thành phố xem xét, tặng {award_form} cho "
        f"{count_phrase(listed)} đã có thành tích xuất sắc trong {movement} (có danh sách xếp hạng kèm theo).",
        "Kính trình Chủ tịch Ủy ban nhân dân thành phố xem xét, quyết định./.",
    ]
    return _submission(
        meta,
        subject=f"Đề nghị tặng {award_form} trong {movement}",
        addressees=addressees,
        body=body,
        nominees=listed,
        list_title=f"Danh sách tổng hợp, xếp hạng đề nghị tặng {award_form}",
    )


def build_home_affairs_submission_context(
    meta: DocumentMeta | dict,
    *,
    award_form: str,
    movement: str,
    legal_bases: Sequence[str],
    lead_submission: str,
    appraisal_summary: str,
    nominees: Sequence[Nominee | dict],
) -> dict[str, Any]:
    """Home Affairs' submission to the Chairman with the appraised list and a draft decision.

    ``lead_submission`` is the reference phrase, e.g. "Tờ trình số 05/TTr-SKHCN ngày 05 tháng 01 năm 2026
    của Sở Khoa học và Công nghệ".
    """
    meta = coerce(DocumentMeta, meta)
    listed = [coerce(Nominee, n) for n in nominees]
    issuer = meta.issuer.name
    body = [
        *[_basis(line, last=False) for line in legal_bases],
        f"Xét đề nghị của {lead_submission},",
        appraisal_summary,
        f"{issuer} kính trình Chủ tịch Ủy ban nhân dân thành phố xem xét, quyết định tặng {award_form} cho "
        f"{count_phrase(listed)} đã có thành tích xuất sắc trong {movement} "
        "(có danh sách và dự thảo Quyết định kèm theo).",
        "Kính trình Chủ tịch Ủy ban nhân dân thành phố xem xét, quyết định./.",
    ]
    return _submission(
        meta,
        subject=f"Đề nghị tặng {award_form} trong {movement}",
        addressees=["Chủ tịch Ủy ban nhân dân thành phố"],
        body=body,
        nominees=listed,
        list_title=f"Danh sách đề nghị tặng {award_form}",
    )


def build_state_submission_context(
    meta: DocumentMeta | dict,
    *,
    addressees: Sequence[str],
    award_form: str,
    movement: str,
    legal_bases: Sequence[str],
    city_decision: str,
    achievement_summary: str,
    nominees: Sequence[Nominee | dict],
) -> dict[str, Any]:
    """The Chairman's submission to the Prime Minister (via the Ministry of Home Affairs) for State awards."""
    meta = coerce(DocumentMeta, meta)
    listed = [coerce(Nominee, n) for n in nominees]
    body = [
        *[_basis(line, last=False) for line in legal_bases],
        f"Căn cứ {city_decision},",
        achievement_summary,
        f"{meta.issuer.name} kính trình Thủ tướng Chính phủ xem xét, tặng {award_form} cho "
        f"{count_phrase(listed)} đã có thành tích xuất sắc trong {movement} (có danh sách và hồ sơ kèm theo).",
        "Kính trình Thủ tướng Chính phủ xem xét, quyết định./.",
    ]
    return _submission(
        meta,
        subject=f"Đề nghị tặng {award_form} trong {movement}",
        addressees=addressees,
        body=body,
        nominees=listed,
        list_title=f"Danh sách đề nghị tặng {award_form}",
    )


def _basis(line: str, *, last: bool) -> str:
    """Legal bases end with ";" in a submission's body (the sentence continues after them)."""
    text = line.strip().rstrip(";.,")
    return f"{text}." if last else f"{text};"
