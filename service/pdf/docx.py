"""A rendered .docx that is the same bytes whenever and wherever it is rendered.

The step may leave rendering to a converter while an officer downloads the .docx meanwhile (rendered on
demand): both must be the very document whose hash is recorded. python-docx stamps each zip member with the
current time; everything else it writes (member order, deflated data) depends only on the content, so the
time stamps are overwritten in place with one fixed time. Rewriting the archive instead would inflate and
deflate every member a second time, a fifth of a document's rendering.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

from ..documents import render

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# MS-DOS time and date of FIXED_TIME, as zip headers hold them.
_DOS_TIME = (FIXED_TIME[3] << 11) | (FIXED_TIME[4] << 5) | (FIXED_TIME[5] // 2)
_DOS_DATE = ((FIXED_TIME[0] - 1980) << 9) | (FIXED_TIME[1] << 5) | FIXED_TIME[2]
_LOCAL_HEADER = b"PK\x03\x04"  # time and date at offsets 10 and 12
_CENTRAL_HEADER = b"PK\x01\x02"  # time and date at offsets 12 and 14


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    """The template filled with `context`, byte-identical for the same template and context."""
    return fixed_times(render(template, context))


def fixed_times(archive: bytes) -> bytes:
    """The zip archive with every member's modification time set to FIXED_TIME (nothing else changes)."""
    data = bytearray(archive)
    stamp = struct.pack("<HH", _DOS_TIME, _DOS_DATE)
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        members = source.infolist()
        central = source.start_dir
    for member in members:
        offset = member.header_offset
        if data[offset:offset + 4] != _LOCAL_HEADER:
            raise zipfile.BadZipFile(f"no local header for {member.filename}")
        data[offset + 10:offset + 14] = stamp
    for _member in members:
        if data[central:central + 4] != _CENTRAL_HEADER:
            raise zipfile.BadZipFile("central directory out of step")
        data[central + 12:central + 16] = stamp
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, central + 28)
        central += 46 + name_length + extra_length + comment_length
    return bytes(data)
