"""PDF conversion with LibreOffice headless.

Each worker process uses its own LibreOffice user profile: two soffice processes sharing a profile lock
each other out and one conversion fails. Within a process, conversions are serialised for the same reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ..i18n import msg

DEFAULT_TIMEOUT_SECONDS = 120
_SOFFICE_NAMES = ("soffice", "libreoffice")
_lock = threading.Lock()


class PdfConversionError(RuntimeError):
    """LibreOffice is missing, timed out or produced no PDF."""


def _soffice() -> str | None:
    for name in _SOFFICE_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def libreoffice_available() -> bool:
    """True when a LibreOffice binary is on PATH."""
    return _soffice() is not None


def profile_dir() -> Path:
    """This process's LibreOffice user profile directory."""
    return Path(tempfile.gettempdir()) / f"vinhdanh-lo-{os.getpid()}"


def convert_to_pdf(docx_bytes: bytes, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> bytes:
    """Convert .docx bytes to PDF bytes with ``soffice --headless --convert-to pdf``."""
    soffice = _soffice()
    if soffice is None:
        raise PdfConversionError(msg("Không tìm thấy LibreOffice"))
    with _lock, tempfile.TemporaryDirectory(prefix="vinhdanh-pdf-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(docx_bytes)
        command = [
            soffice,
            f"-env:UserInstallation={profile_dir().as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            work,
            str(source),
        ]
        try:
            # The command is fixed; only our own temporary paths are interpolated.
            result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise PdfConversionError(
                msg("Chuyển đổi PDF quá thời gian {timeout} giây", timeout=timeout)
            ) from exc
        target = Path(work) / "document.pdf"
        if result.returncode != 0 or not target.exists():
            detail = (result.stderr or result.stdout).decode(errors="replace").strip()[:500]
            raise PdfConversionError(msg("Chuyển đổi PDF thất bại", detail=detail))
        return target.read_bytes()
