"""LibreOffice-dependent tests skip where it is missing, except on CI (CI=true), where they must fail."""

from __future__ import annotations

import os
import shutil

import pytest

from service.pdf.soffice import libreoffice_available


def require_libreoffice() -> None:
    missing = [
        name
        for name, ok in (("LibreOffice", libreoffice_available()), ("pdftotext", shutil.which("pdftotext") is not None))
        if not ok
    ]
    if not missing:
        return
    message = f"{', '.join(missing)} not installed"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI=true requires the PDF tests to run")
    pytest.skip(message)


def require_persistent_converter() -> None:
    """LibreOffice, pdftotext, and what drives a long-lived LibreOffice: python3-uno and unoserver."""
    require_libreoffice()
    from service.pdf import uno

    if uno.available():
        return
    message = "python3-uno or unoserver not installed"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI=true requires the PDF tests to run")
    pytest.skip(message)
