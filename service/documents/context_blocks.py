"""Context parts shared by every document: header, title, addressees, signature and recipients."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from service.documents.document_data import COLLECTIVE_KINDS, DELEGATIONS, DocumentMeta, Nominee, Signer
from service.documents.numbering import (
    format_document_number,
    format_long_date,
    format_number_line,
    format_place_date,
)
from service.documents.text_width import balanced_lines
from service.documents.word_pairs import keep_together

from ..i18n import msg

# Inner width of the header's left column (twips) and agency-name size: names wider than this are
# split into two balanced lines, as officers type them ("ỦY BAN NHÂN DÂN" / "THÀNH PHỐ ĐÀ NẴNG").
HEADER_LEFT_WIDTH_TWIPS = 4082
AGENCY_SIZE_PT = 12
# Body text width (A4 minus 30 mm and 15 mm margins) and subject size, for splitting long subjects.
TEXT_WIDTH_TWIPS = 9355
SUBJECT_SIZE_PT = 14


def upper_vi(text: str) -> str:
    """Upper-case Vietnamese text (str.upper handles the precomposed letters)."""
    return text.upper()


def split_agency_name(name: str, *, bold: bool) -> list[str]:
    """Split an agency name into lines that fit the header column; explicit newlines are kept."""
    lines: list[str] = []
    for part in name.splitlines():
        if part.strip():
            lines += balanced_lines(keep_together(part, title=True), AGENCY_SIZE_PT, bold=bold,
                                    max_twips=HEADER_LEFT_WIDTH_TWIPS)
    return lines


def subject_lines(*subjects: str) -> list[str]:
    """Subject (trích yếu) lines, each split evenly when wider than the text area."""
    lines: list[str] = []
    for subject in subjects:
        for part in subject.splitlines():
            if part.strip():
                lines += balanced_lines(keep_together(part, title=True), SUBJECT_SIZE_PT, bold=True,
                                        max_twips=TEXT_WIDTH_TWIPS)
    return lines


def header_context(meta: DocumentMeta, type_abbr: str, *, numbered: bool = True) -> dict[str, Any]:
    """Header fields: agency lines, "Số: …" line, document symbol and the place-and-date line."""
    issuer = meta.issuer
    numbered = numbered and meta.numbered
    symbol = format_document_number(meta.number, type_abbr, issuer.abbreviation) if numbered else ""
    return {
        "parent_lines": split_agency_name(upper_vi(issuer.parent_name), bold=False) if issuer.parent_name else [],
        "issuer_lines": split_agency_name(upper_vi(issuer.name), bold=True),
        "number_line": format_number_line(symbol) if numbered else "",
        "document_symbol": symbol,
        "place_date": format_place_date(meta.place, meta.issued_on),
        "issued_on": meta.issued_on.isoformat(),
        "issued_on_text": format_long_date(meta.issued_on),
        "issuer_name": issuer.name,
    }


def signature_lines(signer: Signer) -> list[str]:
    """Upper-case authority lines above the signature, e.g. ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]."""
    if signer.delegation is not None and signer.delegation not in DELEGATIONS:
        raise ValueError(msg("Thẩm quyền ký không hợp lệ", delegation=signer.delegation))
    lines: list[str] = []
    if signer.on_behalf_of:
        lines.append(f"TM. {upper_vi(signer.on_behalf_of)}")
    if signer.delegation:
        if not signer.acting_title:
            raise ValueError(msg("Thiếu chức danh được ký thay"))
        lines.append(f"{signer.delegation} {upper_vi(signer.acting_title)}")
    lines.append(upper_vi(signer.title))
    return lines


def signature_context(signer: Signer) -> dict[str, Any]:
    """Signature block fields."""
    return {"signature_lines": signature_lines(signer), "signer_name": signer.name}


def recipient_lines(recipients: Sequence[str], archive: Sequence[str]) -> list[str]:
    """ "Nơi nhận" list: "- X;" lines ending with "- Lưu: VT, <units>."."""
    lines = [f"- {item.strip().rstrip(';.').strip()};" for item in recipients if item.strip()]
    kept = ", ".join(["VT", *[unit.strip() for unit in archive if unit.strip()]])
    lines.append(f"- Lưu: {kept}.")
    return lines


def addressee_context(addressees: Sequence[str]) -> dict[str, Any]:
    """ "Kính gửi" on one centred line for one addressee, else one "- …;" line each, the last ending "."."""
    names = [name.strip().rstrip(";.") for name in addressees if name.strip()]
    if len(names) <= 1:
        return {"addressee_single": names[0] if names else "", "addressee_list": []}
    listed = [f"- {name};" for name in names[:-1]] + [f"- {names[-1]}."]
    return {"addressee_single": "", "addressee_list": listed}


def common_context(meta: DocumentMeta, type_abbr: str, *, numbered: bool = True) -> dict[str, Any]:
    """Header, signature and recipients together."""
    return {
        **header_context(meta, type_abbr, numbered=numbered),
        **signature_context(meta.signer),
        "recipient_lines": recipient_lines(meta.recipients, meta.archive),
    }


def nominee_row(nominee: Nominee, index: int) -> dict[str, Any]:
    """A nominee as a list row; the position/unit column joins what is known."""
    position_unit = ", ".join(part for part in (nominee.position, nominee.unit) if part)
    return {
        "stt": str(index),
        "name": nominee.name,
        "kind": nominee.kind,
        "position_unit": position_unit,
        "achievement": nominee.achievement_summary,
        "form": nominee.proposed_form,
        "score": _format_score(nominee.score),
        "rank": str(nominee.rank) if nominee.rank is not None else "",
    }


def _format_score(score: object) -> str:
    if score is None:
        return ""
    return f"{float(score):.2f}".replace(".", ",")  # type: ignore[arg-type]


def count_phrase(nominees: Sequence[Nominee]) -> str:
    """ "5 tập thể và 12 cá nhân" — the counts an officer writes in the body."""
    collectives = sum(1 for n in nominees if n.kind in COLLECTIVE_KINDS)
    households = sum(1 for n in nominees if n.kind == "household")
    individuals = len(nominees) - collectives - households
    parts = [
        f"{count:02d} {label}" if count < 10 else f"{count} {label}"
        for count, label in ((collectives, "tập thể"), (individuals, "cá nhân"), (households, "hộ gia đình"))
        if count
    ]
    if not parts:
        return "0 tập thể, cá nhân"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " và " + parts[-1]


def format_clock(moment: datetime) -> str:
    """ "14 giờ 00 phút"."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def format_moment(moment: datetime) -> str:
    """ "14 giờ 00 phút, ngày 20 tháng 11 năm 2025"."""
    return f"{format_clock(moment)}, {format_long_date(moment.date())}"


def document_reference(kind_name: str, symbol: str, issued_on: date, issuer_name: str | None = None) -> str:
    """ "Tờ trình số 15/TTr-SNV ngày 05 tháng 01 năm 2026 của Sở Nội vụ"."""
    text = f"{kind_name} số {symbol} {format_long_date(issued_on)}"
    return f"{text} của {issuer_name}" if issuer_name else text
