"""The automatic format checks of a generated .docx (DOMAIN.md B2.5): page, margins, fonts, number line,
place-and-date line and the "Lưu" line. Reported with each document so an officer sees a bad template at once."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..i18n import msg

FONT = "Times New Roman"
A4_TWIPS = ("11906", "16838")
MARGINS_TWIPS = {"top": (1134, 1417), "bottom": (1134, 1417), "left": (1701, 1984), "right": (850, 1134)}
NUMBER_LINE = re.compile(r"^Số: \d{2,}/[A-ZĐ][A-Za-zĐ]*(-[A-ZĐ0-9]+)+$")
PLACE_DATE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")
# Kinds printed without a "Nơi nhận" list (an achievement report is signed by its subject and confirmed).
WITHOUT_RECIPIENTS = {"collective_report", "individual_report"}


def _font_problems(document) -> list[str]:
    parts = [document.element, document.styles.element]
    for section in document.sections:
        parts += [section.header._element, section.first_page_header._element]
    problems = set()
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            for attribute, value in fonts.attrib.items():
                name = attribute.split("}")[-1]
                if name.endswith("Theme") or (name in {"ascii", "hAnsi", "cs", "eastAsia"} and value != FONT):
                    problems.add(msg("Phông chữ không phải {FONT}", FONT=FONT, value=value))
    return sorted(problems)


def format_problems(content: bytes, *, kind: str, numbered: bool) -> list[str]:
    """What the .docx breaks of DOMAIN B2.5; empty when it passes."""
    document = Document(io.BytesIO(content))
    problems = _font_problems(document)
    for section in document.sections:
        size = section._sectPr.find(qn("w:pgSz"))
        if size is None or (size.get(qn("w:w")), size.get(qn("w:h"))) != A4_TWIPS:
            problems.append(msg("Khổ giấy không phải A4"))
        margins = section._sectPr.find(qn("w:pgMar"))
        for side, (low, high) in MARGINS_TWIPS.items():
            value = int(margins.get(qn(f"w:{side}"), "0")) if margins is not None else 0
            if not low <= value <= high:
                problems.append(msg("Lề {side} {value} twip ngoài khoảng {low}–{high}",
                                    side=side, value=value, low=low, high=high))
    lines = [paragraph.text.strip() for paragraph in _paragraphs(document)]
    if numbered and not any(NUMBER_LINE.match(line) for line in lines):
        problems.append(msg("Thiếu dòng 'Số: NN/…' đúng mẫu"))
    if not any(PLACE_DATE.match(line) for line in lines):
        problems.append(msg("Thiếu dòng địa danh, ngày tháng đúng mẫu"))
    if kind not in WITHOUT_RECIPIENTS:
        kept = [line for line in lines if line.startswith("- Lưu:")]
        if not kept or not kept[-1].startswith("- Lưu: VT"):
            problems.append(msg("Dòng cuối 'Nơi nhận' phải là '- Lưu: VT…'"))
    return problems


def _paragraphs(document) -> list[Paragraph]:
    """Every paragraph of the body, table cells included, in document order."""
    return [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]
