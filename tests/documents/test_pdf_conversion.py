import os
import subprocess

import pytest

from service.documents import DocumentKind, render_document
from service.documents.template_samples import NOMINEES
from service.pdf import soffice
from service.pdf.soffice import PdfConversionError, convert_to_pdf
from tests.documents.libreoffice_gate import require_libreoffice

EXPECTED_LINES = {
    DocumentKind.GUIDANCE: ["HƯỚNG DẪN", "Số: 05/HD-SKHCN", "KT. GIÁM ĐỐC", "Tổng cộng"],
    DocumentKind.UNIT_SUBMISSION: [
        "TỜ TRÌNH",
        "Số: 12/TTr-UBND",
        "Hải Châu, ngày 05 tháng 01 năm 2026",
        "Kính gửi: Sở Khoa học và Công nghệ thành phố Đà Nẵng",
    ],
    DocumentKind.COUNCIL_MINUTES: ["BIÊN BẢN", "Số: 03/BB-HĐTĐKT", "CHỦ TỌA", "77,8"],
    DocumentKind.COLLECTIVE_REPORT: ["BÁO CÁO THÀNH TÍCH", "Số: 15/BC-UBND", "XÁC NHẬN CỦA CẤP TRÌNH"],
    DocumentKind.INDIVIDUAL_REPORT: ["BÁO CÁO THÀNH TÍCH", "NGƯỜI BÁO CÁO THÀNH TÍCH", "Nguyễn Thị Thu Hà"],
    DocumentKind.CONSOLIDATED_SUBMISSION: ["TỜ TRÌNH", "Số: 05/TTr-SKHCN", "92,15"],
    DocumentKind.HOME_AFFAIRS_SUBMISSION: ["TỜ TRÌNH", "Số: 15/TTr-SNV", "SỞ NỘI VỤ", "GIÁM ĐỐC"],
    DocumentKind.AWARD_DECISION: [
        "QUYẾT ĐỊNH",
        "Số: 12/QĐ-UBND",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Điều 2.",
        "7.020.000 đồng",
        "Bảy triệu không trăm hai mươi nghìn đồng",
        "II. CÁ NHÂN",
    ],
    DocumentKind.STATE_SUBMISSION: [
        "TỜ TRÌNH",
        "Số: 45/TTr-UBND",
        "TM. ỦY BAN NHÂN DÂN",
        "Kính gửi:",
        "Thủ tướng Chính phủ;",
    ],
}
COMMON_LINES = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ngày 05 tháng 01 năm 2026"]


def pdf_text(pdf: bytes) -> str:
    """Text in reading order with whitespace collapsed, so phrases wrapped across lines still match."""
    raw = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(raw.split())


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda kind: kind.value)
def test_every_document_converts_to_pdf_with_its_vietnamese_lines(kind, build_context):
    require_libreoffice()
    context = build_context(kind)
    pdf = convert_to_pdf(render_document(kind, context).content)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for line in COMMON_LINES + EXPECTED_LINES[kind]:
        assert line in text, f"{line!r} missing from the PDF of {kind.value}"
    if kind in (DocumentKind.UNIT_SUBMISSION, DocumentKind.AWARD_DECISION):
        for nominee in NOMINEES:
            # The list wraps long names inside cells; the surname and the last word are enough to find it.
            words = nominee["name"].split()
            assert words[0] in text and words[-1] in text


def test_pdf_pages_are_a4(build_context):
    require_libreoffice()
    pdf = convert_to_pdf(render_document("award_decision", build_context("award_decision")).content)
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    assert ("595.3" in size and "841.8" in size) or "(A4)" in size


def test_each_process_has_its_own_profile():
    assert soffice.profile_dir().name == f"vinhdanh-lo-{os.getpid()}"


def test_missing_libreoffice_is_reported(monkeypatch):
    monkeypatch.setattr(soffice.shutil, "which", lambda name: None)
    assert not soffice.libreoffice_available()
    with pytest.raises(PdfConversionError, match="LibreOffice"):
        convert_to_pdf(b"not a docx")


def test_timeout_is_reported(monkeypatch):
    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="soffice", timeout=kwargs["timeout"])

    monkeypatch.setattr(soffice, "_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(soffice.subprocess, "run", slow)
    with pytest.raises(PdfConversionError, match="quá thời gian"):
        convert_to_pdf(b"x", timeout=0.5)
