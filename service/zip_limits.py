"""Limits on uploaded zip archives (.docx templates, .xlsx imports), checked before anything reads them.

A 1 MB .docx that inflates to 1 GB took the server to 2 GB before docxtpl refused it. The central
directory gives the member count and the sizes each member claims; the claims can lie, so every
member is then inflated once, in chunks, counting what actually comes out and stopping as soon as a
member passes its claim or the archive passes its cap. Memory stays at one chunk; time at the cap.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .i18n import msg

MAX_MEMBERS = 1000
MAX_INFLATED_BYTES = 64 * 1024 * 1024
_CHUNK = 1 << 16


class ArchiveRefused(ValueError):
    """The archive is not a readable zip, or would inflate past the limits; the message says which (vi / en)."""


def check_zip(content: bytes, *, max_members: int = MAX_MEMBERS, max_inflated: int = MAX_INFLATED_BYTES) -> None:
    """Raise ArchiveRefused unless `content` is a zip of at most `max_members` members inflating to `max_inflated`."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise ArchiveRefused(
                    msg("Tệp nén có {count} thành phần (tối đa {max_members}).",
                        count=len(members), max_members=max_members)
                )
            claimed = sum(member.file_size for member in members)
            if claimed > max_inflated:
                raise _too_big(max_inflated)
            _inflate_all(archive, members, max_inflated)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        RuntimeError,
        EOFError,
        OSError,
    ) as error:  # RuntimeError: an encrypted member
        raise ArchiveRefused(msg("Tệp nén không đọc được.", error=error)) from None


def _inflate_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], max_inflated: int) -> None:
    total = 0
    for member in members:
        inflated = 0
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                inflated += len(chunk)
                total += len(chunk)
                if inflated > member.file_size or total > max_inflated:
                    raise _too_big(max_inflated)


def _too_big(limit: int) -> ArchiveRefused:
    megabytes = limit // (1024 * 1024)
    return ArchiveRefused(
        msg("Tệp nén giải nén ra quá lớn (tối đa {megabytes} MB).", megabytes=megabytes)
    )
