"""Building blocks for the document templates: page setup, styles and the Decree 30 layout parts.

Used only by build_templates.py. Formatting lives in named paragraph styles ("VD …") so an administrator
can change, say, the body size once in Word's style pane instead of run by run.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass

from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from service.documents.word_pairs import keep_together

FONT = "Times New Roman"
# A4 and margins (twips): top/bottom 20 mm, left 30 mm, right 15 mm — Decree 30, Appendix I.
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838
MARGIN_TOP = MARGIN_BOTTOM = 1134
MARGIN_LEFT, MARGIN_RIGHT = 1701, 850
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
# Header columns: the right one must hold "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (≈ 88 mm at 12 pt bold) on
# one line; the header table has no cell padding so the full width is usable.
HEADER_LEFT = 4082
HEADER_RIGHT = TEXT_WIDTH - HEADER_LEFT
FIRST_LINE_INDENT = Twips(720)  # 1.27 cm

LEFT, CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY


@dataclass(frozen=True)
class StyleSpec:
    size: float
    bold: bool = False
    italic: bool = False
    align: int = CENTER
    first_line: bool = False
    before: float = 0
    after: float = 0
    left_indent: int = 0
    hanging: int = 0
    keep_with_next: bool = False


STYLES: dict[str, StyleSpec] = {
    "VD National Title": StyleSpec(12, bold=True),
    "VD Motto": StyleSpec(13, bold=True),
    "VD Parent Agency": StyleSpec(12),
    "VD Issuing Agency": StyleSpec(12, bold=True),
    "VD Number": StyleSpec(13, before=6),
    "VD Place Date": StyleSpec(13, italic=True, before=6),
    "VD Document Type": StyleSpec(14, bold=True, before=18, keep_with_next=True),
    "VD Subject": StyleSpec(14, bold=True, keep_with_next=True),
    "VD Authority": StyleSpec(14, bold=True, before=12, after=6),
    "VD Addressee": StyleSpec(14, before=12, after=6),
    "VD Addressee List": StyleSpec(14, align=LEFT, left_indent=3402, hanging=1247),
    "VD Legal Basis": StyleSpec(14, italic=True, align=JUSTIFY, first_line=True, after=6),
    "VD Heading": StyleSpec(14, bold=True, align=JUSTIFY, first_line=True, before=6, after=6, keep_with_next=True),
    "VD Centered Heading": StyleSpec(14, bold=True, before=6, after=6, keep_with_next=True),
    "VD Signature Title": StyleSpec(14, bold=True),
    "VD Signature Note": StyleSpec(14, italic=True),
    "VD Signer Name": StyleSpec(14, bold=True),
    "VD Signature Space": StyleSpec(14),
    "VD Recipients Title": StyleSpec(12, bold=True, italic=True, align=LEFT, keep_with_next=True),
    # Each line kept with the next: "Nơi nhận:" and its whole list stay on one page.
    "VD Recipients": StyleSpec(11, align=LEFT, keep_with_next=True),
    "VD Table Header": StyleSpec(12, bold=True, before=3, after=3),
    "VD Table Text": StyleSpec(12, align=LEFT, before=3, after=3),
    "VD Table Center": StyleSpec(12, before=3, after=3),
    "VD Table Group": StyleSpec(12, bold=True, align=LEFT, before=3, after=3),
    "VD Appendix Title": StyleSpec(14, bold=True, keep_with_next=True),
    "VD Appendix Reference": StyleSpec(14, italic=True, after=12),
    "VD Page Number": StyleSpec(13),
    "VD Rule": StyleSpec(1),
    "VD Section Break": StyleSpec(1),
}
# Rule paragraphs: the renderer sets their indents from the measured text above them.
RULE_STYLES = {"VD Agency Rule": 0.4, "VD Motto Rule": 1.0, "VD Subject Rule": 0.4}
SUBJECT_RULE_SPACE_PT = 14


def new_document() -> DocumentObject:
    """An empty A4 document with Decree 30 margins, Times New Roman everywhere and the VD styles."""
    from docx import Document

    document = Document()
    _clean_theme_fonts(document)
    _set_defaults(document)
    for name, spec in STYLES.items():
        _add_style(document, name, spec)
    for name in RULE_STYLES:
        style = _add_style(document, name, STYLES["VD Rule"])
        _bottom_border(style.element.get_or_add_pPr())
    # Decree 30 (Phụ lục I, the model layouts): a blank line between the subject's rule and the body.
    document.styles["VD Subject Rule"].paragraph_format.space_after = Pt(SUBJECT_RULE_SPACE_PT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance = section.footer_distance = Twips(567)
    _page_numbers_from_page_two(section)
    return document


def _clean_theme_fonts(document: DocumentObject) -> None:
    # python-docx's default styles point at theme fonts (Calibri/Cambria) and theme colours; a theme
    # reference wins over w:ascii, so every one is replaced by Times New Roman and black.
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for attribute in list(fonts.attrib):
            if attribute.endswith("Theme"):
                del fonts.attrib[attribute]
        _set_fonts(fonts)
    for color in list(styles.iter(qn("w:color"))):
        color.getparent().remove(color)


def _set_fonts(fonts: OxmlElement) -> None:
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def _set_defaults(document: DocumentObject) -> None:
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _set_fonts(fonts)
    for tag in ("w:sz", "w:szCs", "w:lang", "w:color"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), "28")
        rpr.append(size)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "000000")
    rpr.append(color)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    rpr.append(lang)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fmt = normal.paragraph_format
    fmt.alignment = JUSTIFY
    fmt.first_line_indent = FIRST_LINE_INDENT
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.0
    _set_fonts(normal.element.get_or_add_rPr().get_or_add_rFonts())


def _add_style(document: DocumentObject, name: str, spec: StyleSpec):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(spec.size), spec.bold, spec.italic
    _set_fonts(style.element.get_or_add_rPr().get_or_add_rFonts())
    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.first_line_indent = FIRST_LINE_INDENT if spec.first_line else Twips(0)
    if spec.hanging:
        fmt.first_line_indent = Twips(-spec.hanging)
    fmt.left_indent = Twips(spec.left_indent)
    fmt.space_before, fmt.space_after = Pt(spec.before), Pt(spec.after)
    fmt.keep_with_next = spec.keep_with_next
    fmt.widow_control = True
    if spec.size < 2:
        fmt.line_spacing = Pt(spec.size + 1)
    return style


def _bottom_border(ppr: OxmlElement) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_numbers_from_page_two(section) -> None:
    # Page numbers centred in the top margin, hidden on page 1 (a different, empty first-page header).
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.style = "VD Page Number"
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            value = OxmlElement("w:t")
            value.text = text
            run._r.append(value)
    section.first_page_header.paragraphs[0].style = "VD Page Number"


# --- paragraphs -------------------------------------------------------------------------------------

Container = DocumentObject | _Cell


def para(container: Container, text: str = "", style: str = "Normal") -> Paragraph:
    """Append a paragraph; the first empty paragraph of a fresh table cell is reused.

    The template's own words keep their pairs together as the filled-in data does ("cơ quan", "Hội đồng").
    """
    text = keep_together(text)
    if (
        isinstance(container, _Cell)
        and len(container.paragraphs) == 1
        and not container.paragraphs[0].text
        and not getattr(container, "_vd_used", False)
    ):
        paragraph = container.paragraphs[0]
        container._vd_used = True  # type: ignore[attr-defined]
        if text:
            paragraph.add_run(text)
        paragraph.style = style
        return paragraph
    return container.add_paragraph(text, style=style)


def tag(container: Container, statement: str) -> Paragraph:
    """A docxtpl paragraph tag ({%p … %}); docxtpl removes the paragraph when rendering."""
    return para(container, "{%p " + statement + " %}")


def loop(container: Container, source: str, text: str, style: str, *, var: str = "line") -> None:
    """One paragraph per item of ``source``."""
    tag(container, f"for {var} in {source}")
    para(container, text, style)
    tag(container, "endfor")


def labelled(container: Container, label: str, text: str, style: str = "Normal") -> Paragraph:
    """A paragraph with a bold label run ("Điều 1. ") followed by regular text."""
    paragraph = para(container, "", style)
    paragraph.add_run(label).bold = True
    paragraph.add_run(text)
    return paragraph


def appendix_section(document: DocumentObject) -> None:
    """Start the attached list in a new section: new page, page numbers restart and page 1 hides its number.

    The new section references the same headers (copied, not "linked"), so if a template condition
    drops the break paragraph the remaining section still numbers its pages.
    """
    document.add_section(WD_SECTION.NEW_PAGE)
    first = document.sections[-2]._sectPr
    # The paragraph now holding the first section's properties: keep it tiny so it never spills a page.
    document.paragraphs[-1].style = "VD Section Break"
    last = document.sections[-1]._sectPr
    for reference in first.findall(qn("w:headerReference")) + first.findall(qn("w:footerReference")):
        last.insert(0, deepcopy(reference))
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    # Schema order: pgNumType comes right after pgMar (before cols and titlePg).
    last.find(qn("w:pgMar")).addnext(numbering)


# --- tables -----------------------------------------------------------------------------------------


def new_table(document: DocumentObject, rows: int, widths: Sequence[int], *, grid: bool) -> Table:
    table = document.add_table(rows=rows, cols=len(widths))
    if grid:
        table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    for index, column_width in enumerate(widths):
        table.columns[index].width = Twips(column_width)
        for cell in table.columns[index].cells:
            cell.width = Twips(column_width)
    return table


def no_cell_padding(table: Table) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def keep_row_whole(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def header_block(document: DocumentObject) -> Table:
    """The two-column header: agencies and number left; national title, motto and place-date right."""
    table = new_table(document, 2, (HEADER_LEFT, HEADER_RIGHT), grid=False)
    no_cell_padding(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    loop(left, "parent_lines", "{{ line }}", "VD Parent Agency")
    loop(left, "issuer_lines", "{{ line }}", "VD Issuing Agency")
    _rule(left, "VD Agency Rule", HEADER_LEFT, 1400)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "VD National Title")
    para(right, "Độc lập - Tự do - Hạnh phúc", "VD Motto")
    # Motto at 13 pt bold is about 3,170 twips wide.
    _rule(right, "VD Motto Rule", HEADER_RIGHT, 3170)
    # Always a paragraph (possibly empty): a table cell must keep at least one.
    para(table.cell(1, 0), "{{ number_line }}", "VD Number")
    para(table.cell(1, 1), "{{ place_date }}", "VD Place Date")
    return table


def title_block(document: DocumentObject, *, doc_type: str = "{{ doc_type }}") -> None:
    """Document type, subject lines and the short rule under them."""
    para(document, doc_type, "VD Document Type")
    loop(document, "subject_lines", "{{ line }}", "VD Subject")
    _rule(document, "VD Subject Rule", TEXT_WIDTH, 2800)


def _rule(container: Container, style: str, width: int, length: int) -> None:
    # A sensible length for the template as an administrator sees it; the renderer resizes it to the text.
    paragraph = para(container, "", style)
    indent = Twips((width - length) // 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent


def addressee_block(document: DocumentObject) -> None:
    """ "Kính gửi": centred for one addressee, else a hanging list with the label on the first line."""
    tag(document, "if addressee_single")
    para(document, "Kính gửi: {{ addressee_single }}", "VD Addressee")
    tag(document, "endif")
    tag(document, "for line in addressee_list")
    paragraph = para(document, "{% if loop.first %}Kính gửi:{% endif %}\t{{ line }}", "VD Addressee List")
    paragraph.paragraph_format.space_before = Pt(0)
    tag(document, "endfor")


def signature_cell(cell: _Cell, *, lines: str = "signature_lines", name: str = "signer_name") -> None:
    loop(cell, lines, "{{ line }}", "VD Signature Title")
    for _ in range(4):
        para(cell, "", "VD Signature Space")
    para(cell, "{{ " + name + " }}", "VD Signer Name")


def recipients_cell(cell: Container) -> None:
    para(cell, "Nơi nhận:", "VD Recipients Title")
    loop(cell, "recipient_lines", "{{ line }}", "VD Recipients")


def signature_block(document: DocumentObject) -> Table:
    """Footer: "Nơi nhận" on the left, the signature on the right, both starting on the same line."""
    # The body's last paragraph goes with the signature: a signature never stands alone on a page.
    last = document.paragraphs[-1] if document.paragraphs else None
    if last is not None and not last.text.startswith("{%"):
        last.paragraph_format.keep_with_next = True
    table = new_table(document, 1, (4535, TEXT_WIDTH - 4535), grid=False)
    no_cell_padding(table)
    keep_row_whole(table.rows[0])
    recipients_cell(table.cell(0, 0))
    signature_cell(table.cell(0, 1))
    return table


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: str
    style: str = "VD Table Text"


def list_table(document: DocumentObject, columns: Sequence[Column], *, source: str, grouped: bool = False) -> Table:
    """A list across pages: header row repeated (w:tblHeader), no row split across pages (w:cantSplit)."""
    rows = 7 if grouped else 4
    table = new_table(document, rows, [c.width for c in columns], grid=True)
    for index, column in enumerate(columns):
        para(table.cell(0, index), column.header, "VD Table Header")
    keep_row_whole(table.rows[0], header=True)
    item = "n"
    body_rows = list(table.rows[1:])
    if grouped:
        para(body_rows[0].cells[0], "{%tr for g in " + source + " %}", "VD Table Text")
        group_row = body_rows[1]
        merged = group_row.cells[0].merge(group_row.cells[-1])
        para(merged, "{{ g.title }}", "VD Table Group")
        para(body_rows[2].cells[0], "{%tr for n in g.nominees %}", "VD Table Text")
        data_row, end_rows = body_rows[3], body_rows[4:]
    else:
        para(body_rows[0].cells[0], "{%tr for " + item + " in " + source + " %}", "VD Table Text")
        data_row, end_rows = body_rows[1], body_rows[2:]
    for index, column in enumerate(columns):
        para(data_row.cells[index], column.value, column.style)
    for row in end_rows:
        para(row.cells[0], "{%tr endfor %}", "VD Table Text")
    for row in body_rows:
        keep_row_whole(row)
    return table


def appendix_heading(
    document: DocumentObject, title_source: str = "list_title_lines", reference: str = "{{ list_reference }}"
) -> None:
    loop(document, title_source, "{{ line }}", "VD Appendix Title")
    para(document, reference, "VD Appendix Reference")
