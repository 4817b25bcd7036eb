"""A rendered .docx that is the same bytes whenever and wherever it is rendered.

The step may leave rendering to a converter while an officer downloads the .docx meanwhile (rendered on
demand): both must be the very document whose hash is recorded. docxtpl stamps each zip member with the
current time, so members are rewritten with one fixed timestamp.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..documents import render

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    """The template filled with `context`, byte-identical for the same template and context."""
    rendered = render(template, context)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(rendered)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            fixed = zipfile.ZipInfo(member.filename, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = member.external_attr
            target.writestr(fixed, source.read(member.filename))
    return out.getvalue()
