"""Safe parsing of uploaded XML (BPMN, DMN): no DTDs, no entities, no network, bounded size.

Uploaded diagrams come from people we do not control, so the parser must never expand an entity, read a
local file or open a URL. We refuse any DOCTYPE before libxml2 sees the document (entities can only be
declared inside a DOCTYPE), and parse with a locked-down parser as a second line of defence.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

DEFAULT_MAX_BYTES = 5_000_000

# Encodings we accept in the XML declaration. Anything else (UTF-16, EBCDIC, ...) would let a DOCTYPE
# hide from the byte-level prolog check below, and no BPMN/DMN modeller writes it.
_ACCEPTED_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii"}
_XML_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class XmlProblem(Exception):
    """An uploaded XML document was refused; `line` is 1-based or None when it has no position."""

    def __init__(self, filename: str, line: int | None, message: str, *, message_en: str = ""):
        super().__init__(f"{filename}:{line or '-'}: {message}")
        self.filename = filename
        self.line = line
        self.message = message
        self.message_en = message_en or message


def _make_parser() -> etree.XMLParser:
    # Every option that could pull in outside content or grow memory is switched off explicitly, so the
    # behaviour does not depend on lxml's defaults of the day.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        recover=False,
    )


def parse_xml(data: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML bytes into an element tree root, or raise XmlProblem."""
    if len(data) > max_bytes:
        raise XmlProblem(
            filename,
            None,
            f"Tệp quá lớn ({len(data)} byte, tối đa {max_bytes} byte).",
            message_en=f"File too large ({len(data)} bytes, limit {max_bytes}).",
        )
    if not data.strip():
        raise XmlProblem(filename, None, "Tệp rỗng.", message_en="Empty file.")
    _check_encoding(data, filename)
    _refuse_doctype(data, filename)
    try:
        # A fresh parser per call: lxml parsers keep an error log and are not meant to be shared by threads.
        root = etree.fromstring(data, parser=_make_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno and exc.lineno > 0 else None
        detail = exc.msg or str(exc)
        raise XmlProblem(filename, line, f"XML không hợp lệ: {detail}", message_en=f"Malformed XML: {detail}") from None
    if root.getroottree().docinfo.doctype:
        # Unreachable while _refuse_doctype works; kept so a future regression fails closed.
        raise XmlProblem(filename, 1, _DOCTYPE_VI, message_en=_DOCTYPE_EN)
    return root


_DOCTYPE_VI = "Không chấp nhận khai báo DOCTYPE/ENTITY trong tệp XML (rủi ro bảo mật)."
_DOCTYPE_EN = "DOCTYPE/ENTITY declarations are not allowed in uploaded XML (security risk)."


def _check_encoding(data: bytes, filename: str) -> None:
    """Require UTF-8 (what every modeller writes) and report the line of the first bad byte."""
    body = data.removeprefix(codecs.BOM_UTF8)
    declared = _XML_DECLARATION.match(body)
    if declared and declared.group(1).decode("ascii").lower() not in _ACCEPTED_ENCODINGS:
        name = declared.group(1).decode("ascii")
        raise XmlProblem(
            filename,
            1,
            f"Bảng mã '{name}' không được hỗ trợ; hãy lưu tệp dưới dạng UTF-8.",
            message_en=f"Encoding '{name}' is not supported; save the file as UTF-8.",
        )
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise XmlProblem(
            filename,
            line,
            f"Tệp không phải văn bản UTF-8 hợp lệ (byte lỗi ở vị trí {exc.start}).",
            message_en=f"File is not valid UTF-8 text (bad byte at offset {exc.start}).",
        ) from None


def _refuse_doctype(data: bytes, filename: str) -> None:
    """Walk the prolog (declaration, comments, processing instructions) and refuse a DOCTYPE in it.

    A DOCTYPE is only legal before the root element, so the prolog is the only place to look; a DOCTYPE
    after the root is a plain syntax error for libxml2.
    """
    pos = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    end = len(data)
    while pos < end:
        while pos < end and data[pos] in b" \t\r\n":
            pos += 1
        if data.startswith(b"<?", pos):
            terminator = b"?>"
        elif data.startswith(b"<!--", pos):
            terminator = b"-->"
        elif data[pos : pos + 9].upper() == b"<!DOCTYPE" or data[pos : pos + 8].upper() == b"<!ENTITY":
            raise XmlProblem(filename, data.count(b"\n", 0, pos) + 1, _DOCTYPE_VI, message_en=_DOCTYPE_EN)
        else:
            return
        close = data.find(terminator, pos + 2)
        if close < 0:
            return  # unterminated comment or PI: the parser reports it with its line
        pos = close + len(terminator)
