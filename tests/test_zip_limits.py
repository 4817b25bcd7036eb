"""Uploaded zip archives are measured before anything reads them: members, claimed and real inflated size."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from service.zip_limits import ArchiveRefused, check_zip

MB = 1024 * 1024


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return buffer.getvalue()


def lie_about_sizes(content: bytes, claimed: int) -> bytes:
    """Rewrite every member's uncompressed size, in the central directory and the local headers."""
    raw = bytearray(content)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", raw, at + 24, claimed)
        at = raw.find(b"PK\x01\x02", at + 4)
    at = raw.find(b"PK\x03\x04")
    while at != -1:
        struct.pack_into("<I", raw, at + 22, claimed)
        at = raw.find(b"PK\x03\x04", at + 4)
    return bytes(raw)


def test_an_ordinary_archive_passes():
    check_zip(archive({"word/document.xml": b"<w:document/>", "a.txt": b"x" * 1000}))


def test_too_many_members_are_refused_before_any_is_read():
    with pytest.raises(ArchiveRefused, match="1001 thành phần"):
        check_zip(archive({f"m{i}.txt": b"" for i in range(1001)}))


def test_a_claimed_size_over_the_cap_is_refused():
    with pytest.raises(ArchiveRefused, match="giải nén ra quá lớn"):
        check_zip(archive({"zeros.bin": bytes(2 * MB)}), max_inflated=MB)


def test_a_member_inflating_past_its_claim_is_refused():
    lying = lie_about_sizes(archive({"zeros.bin": bytes(8 * MB)}), claimed=100)
    with pytest.raises(ArchiveRefused):
        check_zip(lying)


def test_the_real_total_counts_across_members():
    with pytest.raises(ArchiveRefused, match="giải nén ra quá lớn"):
        check_zip(archive({f"z{i}.bin": bytes(MB) for i in range(5)}), max_inflated=4 * MB)


def test_not_a_zip_is_refused():
    with pytest.raises(ArchiveRefused, match="không đọc được"):
        check_zip(b"PK\x03\x04 truncated")
