"""The automatic format checks of a generated .docx (DOMAIN.md B2): page, margins, fonts, and per document kind
what Decree 30/2020 and the NĐ 152 forms require of it — number line, type line, place and date, "Kính gửi",
"Nơi nhận" ending "- Lưu: VT", signatures with names — and what it may omit. Reported with each document, so
an officer sees at once a document that an office could not send as it is."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from ..i18n import msg

FONT = "Times New Roman"
A4_TWIPS = ("11906", "16838")
MARGINS_TWIPS = {"top": (1134, 1417), "bottom": (1134, 1417), "left": (1701, 1984), "right": (850, 1134)}
NUMBER_LINE = re.compile(r"^Số: \d{2,}/[A-ZĐ][A-Za-zĐ]*(-[A-ZĐ0-9]+)+$")
PLACE_DATE = re.compile(r"^[^,]+, ngày (0[1-9]|[12]\d|3[01]) tháng (0[12]|[3-9]|1[0-2]) năm \d{4}$")
# A value left out of a sentence: "Thư ký: , Thư ký Hội đồng", "Số:  /BB", "( )".
EMPTY_PLACEHOLDER = re.compile(r":\s+[,.;]|\(\s*\)|,\s*,|^Số:\s*/")


@dataclass(frozen=True)
class KindRules:
    """What a document kind must carry; `number` is "required", "optional" (unnumbered by practice, but never
    printed blank) or "none"."""

    type_line: str
    number: str = "required"
    recipients: bool = True
    addressee: bool = False
    signatures: tuple[str, ...] = ()
    required_lines: tuple[str, ...] = ()
    # The legal basis every "Căn cứ" list of the kind starts with.
    first_basis: str | None = None


# A Chairman decides under the Law on the Organisation of Local Government before any other law.
LOCAL_GOVERNMENT_LAW = "Căn cứ Luật Tổ chức chính quyền địa phương"
SUBMISSION = KindRules("TỜ TRÌNH", addressee=True)
RULES: dict[str, KindRules] = {
    "guidance": KindRules("HƯỚNG DẪN"),
    "unit_submission": SUBMISSION,
    "consolidated_submission": SUBMISSION,
    "home_affairs_submission": SUBMISSION,
    "state_submission": SUBMISSION,
    "award_decision": KindRules("QUYẾT ĐỊNH", first_basis=LOCAL_GOVERNMENT_LAW,
                                required_lines=("QUYẾT ĐỊNH:", "Điều 1.", "Điều 2.", "Điều 3.")),
    "council_minutes": KindRules("BIÊN BẢN", number="optional", signatures=("THƯ KÝ", "CHỦ TỌA"),
                                 required_lines=("Thời gian bắt đầu:", "Địa điểm:", "Chủ trì:", "Thư ký:",
                                                 "Cuộc họp kết thúc")),
    "collective_report": KindRules("BÁO CÁO THÀNH TÍCH", number="optional", recipients=False,
                                   signatures=("XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG",),
                                   required_lines=("I. SƠ LƯỢC", "II. THÀNH TÍCH", "III. CÁC HÌNH THỨC")),
    "individual_report": KindRules("BÁO CÁO THÀNH TÍCH", number="optional", recipients=False,
                                   signatures=("NGƯỜI BÁO CÁO THÀNH TÍCH", "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG"),
                                   required_lines=("I. SƠ LƯỢC LÝ LỊCH", "II. THÀNH TÍCH", "III. CÁC HÌNH THỨC")),
}
DEFAULT_RULES = KindRules("")


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


def _page_problems(document) -> list[str]:
    problems = []
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
    return problems


def format_problems(content: bytes, *, kind: str, numbered: bool) -> list[str]:
    """What the .docx breaks of the format of its kind; empty when it passes.

    `numbered`: whether the document took a number from a register (a required number line must then carry it).
    """
    document = Document(io.BytesIO(content))
    rules = RULES.get(kind, DEFAULT_RULES)
    lines = [paragraph.text.replace("\u00a0", " ").strip() for paragraph in _paragraphs(document)]
    return _font_problems(document) + _page_problems(document) + _number_problems(lines, rules, numbered) \
        + _layout_problems(lines, rules)


def _number_problems(lines: list[str], rules: KindRules, numbered: bool) -> list[str]:
    number_lines = [line for line in lines if line.startswith("Số:")]
    if rules.number == "required" and not numbered:
        return [msg("Văn bản chưa được cấp số")]
    if rules.number == "required" and not any(NUMBER_LINE.match(line) for line in number_lines):
        return [msg("Thiếu dòng 'Số: NN/…' đúng mẫu")]
    if number_lines and not all(NUMBER_LINE.match(line) for line in number_lines):
        return [msg("Dòng số để trống hoặc sai mẫu")]
    if rules.number == "none" and number_lines:
        return [msg("Loại văn bản này không đánh số")]
    return []


def _layout_problems(lines: list[str], rules: KindRules) -> list[str]:
    problems = []
    if not any(PLACE_DATE.match(line) for line in lines):
        problems.append(msg("Thiếu dòng địa danh, ngày tháng đúng mẫu"))
    if rules.type_line and rules.type_line not in lines:
        problems.append(msg("Thiếu tên loại văn bản '{type_line}'", type_line=rules.type_line))
    if rules.addressee and not any(line.startswith("Kính gửi:") for line in lines):
        problems.append(msg("Thiếu 'Kính gửi:'"))
    if rules.recipients:
        kept = [line for line in lines if line.startswith("- Lưu:")]
        if "Nơi nhận:" not in lines:
            problems.append(msg("Thiếu 'Nơi nhận:'"))
        if not kept or not kept[-1].startswith("- Lưu: VT"):
            problems.append(msg("Dòng cuối 'Nơi nhận' phải là '- Lưu: VT…'"))
    for needed in rules.required_lines:
        if not any(line.startswith(needed) for line in lines):
            problems.append(msg("Thiếu phần '{needed}'", needed=needed))
    bases = [line for line in lines if line.startswith("Căn cứ")]
    if rules.first_basis and (not bases or not bases[0].startswith(rules.first_basis)):
        problems.append(msg("Căn cứ đầu tiên phải là '{first_basis}…'", first_basis=rules.first_basis))
    for title in rules.signatures:
        if title not in lines:
            problems.append(msg("Thiếu khối chữ ký '{title}'", title=title))
    for index, line in enumerate(lines[:-1]):
        # "…, gồm:" announces a list: the members present, one "- " line each.
        if line.endswith("gồm:") and not lines[index + 1].startswith("- "):
            problems.append(msg("Danh sách sau 'gồm:' bị trống"))
    empty = sorted({line for line in lines if EMPTY_PLACEHOLDER.search(line)})
    problems += [msg("Chỗ trống chưa điền", line=line) for line in empty]
    return problems


def _paragraphs(document) -> list[Paragraph]:
    """Every paragraph of the body, table cells included, in document order."""
    return [Paragraph(p, document._body) for p in document.element.body.iter(qn("w:p"))]
