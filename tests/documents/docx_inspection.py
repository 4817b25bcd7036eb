"""Reading a produced .docx back: effective paragraph formatting and the XML checks of DOMAIN B2.5."""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"


@dataclass(frozen=True)
class Format:
    size: float
    bold: bool
    italic: bool


def open_docx(content: bytes) -> DocumentObject:
    return Document(io.BytesIO(content))


def effective_format(paragraph: Paragraph) -> Format:
    """Size/bold/italic of a paragraph's text: run properties, else its style chain, else the defaults."""
    size = bold = italic = None
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs:
        first = runs[0].font
        size, bold, italic = first.size, first.bold, first.italic
    style = paragraph.style
    while style is not None:
        size = size if size is not None else style.font.size
        bold = bold if bold is not None else style.font.bold
        italic = italic if italic is not None else style.font.italic
        style = style.base_style
    return Format(size=size.pt if size is not None else 14.0, bold=bool(bold), italic=bool(italic))


def all_paragraphs(document: DocumentObject) -> list[Paragraph]:
    """Every paragraph of the body, including those in table cells, in document order."""
    body = document.element.body
    return [Paragraph(p, document._body) for p in body.iter(qn("w:p"))]


def find(document: DocumentObject, predicate) -> Paragraph:
    for paragraph in all_paragraphs(document):
        if predicate(paragraph.text.replace("\u00a0", " ")):
            return paragraph
    raise AssertionError("paragraph not found")


def font_problems(document: DocumentObject) -> list[str]:
    """rFonts that are not Times New Roman or that point at theme fonts, in body, styles and headers."""
    parts = [document.element, document.styles.element]
    for section in document.sections:
        parts += [section.header._element, section.first_page_header._element]
    problems = []
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            for attribute, value in fonts.attrib.items():
                name = attribute.split("}")[-1]
                if name.endswith("Theme") or (name in {"ascii", "hAnsi", "cs", "eastAsia"} and value != FONT):
                    problems.append(f"{name}={value}")
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    default_fonts = defaults.find(qn("w:rFonts"))
    if default_fonts is None or default_fonts.get(qn("w:ascii")) != FONT:
        problems.append("docDefaults without Times New Roman")
    return problems


def text_of(document: DocumentObject) -> str:
    """The document's text; the non-breaking spaces that keep word pairs together read as spaces."""
    return "\n".join(p.text for p in all_paragraphs(document)).replace("\u00a0", " ")
