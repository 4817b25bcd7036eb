"""Render a document template with a context: a pure function from bytes and data to .docx bytes."""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import re
import threading
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

from service.documents.text_width import text_width_twips
from service.documents.word_pairs import keep_together_in

DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "document_templates"

# Rule paragraph style → share of the text above it that the rule spans (Decree 30: 1/3–1/2 under the
# agency name and the subject, the full length under the motto).
RULE_SHARES = {"VD Agency Rule": 0.4, "VD Motto Rule": 1.0, "VD Subject Rule": 0.4}


class DocumentKind(StrEnum):
    """The official documents of a nomination and award round."""

    GUIDANCE = "guidance"
    UNIT_SUBMISSION = "unit_submission"
    COUNCIL_MINUTES = "council_minutes"
    COLLECTIVE_REPORT = "collective_report"
    INDIVIDUAL_REPORT = "individual_report"
    CONSOLIDATED_SUBMISSION = "consolidated_submission"
    HOME_AFFAIRS_SUBMISSION = "home_affairs_submission"
    AWARD_DECISION = "award_decision"
    STATE_SUBMISSION = "state_submission"


TEMPLATE_FILES: dict[DocumentKind, str] = {
    DocumentKind.GUIDANCE: "hd_huong_dan_dot_khen_thuong.docx",
    DocumentKind.UNIT_SUBMISSION: "ttr_don_vi_de_nghi.docx",
    DocumentKind.COUNCIL_MINUTES: "bb_hop_hoi_dong.docx",
    DocumentKind.COLLECTIVE_REPORT: "bc_thanh_tich_tap_the.docx",
    DocumentKind.INDIVIDUAL_REPORT: "bc_thanh_tich_ca_nhan.docx",
    DocumentKind.CONSOLIDATED_SUBMISSION: "ttr_co_quan_chu_tri.docx",
    DocumentKind.HOME_AFFAIRS_SUBMISSION: "ttr_so_noi_vu.docx",
    DocumentKind.AWARD_DECISION: "qd_khen_thuong.docx",
    DocumentKind.STATE_SUBMISSION: "ttr_cap_nha_nuoc.docx",
}


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx with the template it came from (name and hash) and its own hash."""

    filename: str
    content: bytes
    template_name: str
    template_sha256: str
    sha256: str


class _CompiledTemplates(SandboxedEnvironment):
    """Jinja's sandboxed environment that compiles each distinct source once.

    docxtpl hands every part of a template (body, headers, footers, properties) to `from_string` at every
    render; compiling the body is about a quarter of a document's rendering time. A template version's
    parts are the same text every time, so the compiled template is looked up by its source (a new
    version is a new source). Bounded: template uploads are rare, but a process lives long.
    """

    def __init__(self) -> None:
        # Autoescape: names such as "Công ty A&B" must not break the XML.
        super().__init__(autoescape=True)
        self._compiled: collections.OrderedDict[str, Template] = collections.OrderedDict()
        self._lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            compiled = self._compiled.get(source)
            if compiled is not None:
                self._compiled.move_to_end(source)
                return compiled
        compiled = super().from_string(source)
        with self._lock:
            self._compiled[source] = compiled
            while len(self._compiled) > COMPILED_SOURCES:
                self._compiled.popitem(last=False)
        return compiled


COMPILED_SOURCES = 256  # parts of ~30 template versions (9 kinds × body, header, footer, properties)
_JINJA = _CompiledTemplates()


@functools.lru_cache(maxsize=COMPILED_SOURCES)
def _patched(source: str) -> str:
    return DocxTemplate.patch_xml(None, source)  # a pure function of its text: docxtpl's regex clean-up


class _Template(DocxTemplate):
    """docxtpl's template whose clean-up of each part's XML (a dozen regular expressions over the whole
    part) is done once per distinct part, like the compilation."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)


def render(template_bytes: bytes, context: dict[str, Any], *, environment: SandboxedEnvironment | None = None,
           template: DocxTemplate | None = None) -> bytes:
    """Fill a docxtpl template with ``context`` and return the .docx bytes.

    The template's Jinja runs sandboxed: an uploaded template is data written by an administrator, and
    `{{ ''.__class__.__mro__ }}` must not lead it to Python internals. `environment`/`template`: the
    template check's recording sandbox and the DocxTemplate it watches (compiled afresh, so that the check
    sees every name a render looks up); otherwise the shared environment with its compiled parts.
    """
    if environment is None:
        template = template or _Template(io.BytesIO(template_bytes))
        environment = _JINJA
    else:
        template = template or DocxTemplate(io.BytesIO(template_bytes))
    template.render(keep_together_in(context), environment, autoescape=True)
    _size_rules(template.docx, _styles_of(template_bytes, template.docx))
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def render_document(
    kind: DocumentKind | str, context: dict[str, Any], *, template_dir: Path | str | None = None
) -> RenderedDocument:
    """Render one of the official documents from its template in ``template_dir`` (default document_templates/)."""
    kind = DocumentKind(kind)
    template_name = TEMPLATE_FILES[kind]
    template_bytes = (Path(template_dir or DEFAULT_TEMPLATE_DIR) / template_name).read_bytes()
    content = render(template_bytes, context)
    return RenderedDocument(
        filename=document_filename(kind, context.get("document_symbol", "")),
        content=content,
        template_name=template_name,
        template_sha256=hashlib.sha256(template_bytes).hexdigest(),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def document_filename(kind: DocumentKind, symbol: str) -> str:
    """ASCII file name from the kind and symbol: ``award_decision_12-QD-UBND.docx``."""
    ascii_symbol = unicodedata.normalize("NFD", symbol.replace("Đ", "D").replace("đ", "d"))
    ascii_symbol = ascii_symbol.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_symbol).strip("-")
    return f"{kind.value}_{slug}.docx" if slug else f"{kind.value}.docx"


# --- rules under header elements ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Styles:
    """A template's paragraph styles as the rules need them: names by id, and (size in pt, bold) by name.

    docxtpl never touches styles.xml, so a rendered document has its template's styles: they are read once
    per template version instead of walking python-docx's style objects for every paragraph of every document.
    """

    names: dict[str, str]
    fonts: dict[str, tuple[float, bool]]

    @classmethod
    def read(cls, document: Any) -> _Styles:
        names, fonts = {}, {}
        for style in document.styles:
            names[style.style_id] = style.name
            if style.type == WD_STYLE_TYPE.PARAGRAPH:
                fonts[style.name] = _font_of(style)
        return cls(names=names, fonts=fonts)

    def name(self, paragraph: Any) -> str:
        ppr = paragraph.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        if style is None:
            return "Normal"
        style_id = style.get(qn("w:val"))
        return self.names.get(style_id, style_id)

    def font(self, name: str) -> tuple[float, bool]:
        return self.fonts.get(name, (DEFAULT_FONT_PT, False))


def _font_of(style: Any) -> tuple[float, bool]:
    """Size and weight of a paragraph style, inherited from its base styles where it sets none."""
    size, bold = None, None
    while style is not None and (size is None or bold is None):
        size = size if size is not None else style.font.size
        bold = bold if bold is not None else style.font.bold
        style = style.base_style
    return (size.pt if size is not None else DEFAULT_FONT_PT), bool(bold)


DEFAULT_FONT_PT = 14.0  # Decree 30's body text
STYLE_CACHE_SIZE = 64  # template versions whose styles a process keeps
_styles: collections.OrderedDict[str, _Styles] = collections.OrderedDict()
_styles_lock = threading.Lock()


def _styles_of(template_bytes: bytes, document: Any) -> _Styles:
    """The template's styles, read from `document` (rendered from it) the first time the template is seen."""
    key = hashlib.sha256(template_bytes).hexdigest()
    with _styles_lock:
        known = _styles.get(key)
        if known is not None:
            _styles.move_to_end(key)
            return known
    known = _Styles.read(document)
    with _styles_lock:
        _styles[key] = known
        while len(_styles) > STYLE_CACHE_SIZE:
            _styles.popitem(last=False)
    return known


def _size_rules(document: Any, styles: _Styles) -> None:
    # Only the header and the title carry rules, so looking at the first paragraphs of the body and of
    # the header table is enough; the long lists after them are never walked (keeps 1,000-row decisions fast).
    body = document.element.body
    candidates: list[tuple[list[Any], int]] = []
    top: list[Any] = []
    for child in body.iterchildren():
        if child.tag == qn("w:tbl") and not candidates:
            for cell in child.iter(qn("w:tc")):
                candidates.append((list(cell.iterchildren(qn("w:p"))), _cell_width(cell)))
        elif child.tag == qn("w:p"):
            top.append(child)
        if len(top) > 12:
            break
    candidates.append((top, _text_width(document)))
    for paragraphs, width in candidates:
        # The rule measures the lines directly above it that share one style (the issuing agency's
        # lines, not the parent agency's; the motto, not the national title).
        above: list[Any] = []
        for paragraph in paragraphs:
            style = styles.name(paragraph)
            if style in RULE_SHARES:
                _set_rule_indent(styles, paragraph, above, width, RULE_SHARES[style])
                above = []
            elif _text(paragraph):
                if above and styles.name(above[-1]) != style:
                    above = []
                above.append(paragraph)


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))


def _set_rule_indent(styles: _Styles, rule: Any, above: list[Any], width: int, share: float) -> None:
    # The longest of the lines just above the rule (an agency name may be two paragraphs).
    longest = 0
    for paragraph in above:
        size, bold = styles.font(styles.name(paragraph))
        longest = max(longest, min(width, text_width_twips(_text(paragraph), size, bold=bold)))
    if not longest:
        return
    indent = max(0, round((width - longest * share) / 2))
    ppr = rule.get_or_add_pPr() if hasattr(rule, "get_or_add_pPr") else rule.find(qn("w:pPr"))
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = ppr.makeelement(qn("w:ind"), {})
        ppr.append(ind)
    for attribute in ("w:left", "w:right", "w:start", "w:end"):
        ind.attrib.pop(qn(attribute), None)
    ind.set(qn("w:left"), str(indent))
    ind.set(qn("w:right"), str(indent))
    ind.set(qn("w:firstLine"), "0")


def _cell_width(cell: Any) -> int:
    tcpr = cell.find(qn("w:tcPr"))
    width = tcpr.find(qn("w:tcW")) if tcpr is not None else None
    return int(width.get(qn("w:w"))) if width is not None else 4000


def _text_width(document: Any) -> int:
    section = document.sections[0]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)
