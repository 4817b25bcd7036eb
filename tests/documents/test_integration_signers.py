"""Every document of a round, generated through the workflow, is signed by the person who signed it there, under
the authority Decree 30/2020 gives the issuer and his position; the forms are complete and the format check
passes them; in the PDF no name of a body or title is broken across lines. Page images of every document are
left in test-artifacts/documents/ for a person to look at."""

from __future__ import annotations

import re
import subprocess

import pytest

from service.documents.format_checks import EMPTY_PLACEHOLDER, format_problems
from service.documents.word_pairs import PAIRS
from tests.documents.docx_inspection import all_paragraphs, open_docx, text_of
from tests.documents.libreoffice_gate import require_libreoffice
from tests.documents.round_walk import Produced, produced_documents, render_artefacts, walk_round
from tests.documents.test_integration_round import content_of, documents_of
from tests.nomination.conftest import COUNCIL, vietnam, world  # noqa: F401  (fixture)

HEAD = "GIÁM ĐỐC"
COMMITTEE_HEAD = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
# Document → the user who signs it in the round below and the authority lines above his name.
UNIT_SIGNERS = {"01/TTr-STC": ("stc_head", [HEAD]), "01/TTr-UBND": ("hc_head", COMMITTEE_HEAD),
                "01/TTr-FPTDN": ("fpt_head", [HEAD])}


def styled(document, style: str) -> list[str]:
    return [p.text.replace("\u00a0", " ") for p in all_paragraphs(document)
            if p.style is not None and p.style.name == style and p.text.strip()]


def signature(document) -> tuple[list[str], list[str]]:
    """The authority lines and the signers' names, in document order."""
    return styled(document, "VD Signature Title"), styled(document, "VD Signer Name")


def detail(world, item: dict) -> dict:  # noqa: F811
    return world.get("auditor", f"/api/v1/documents/{item['id']}")


def by_kind(produced: list[Produced], kind: str) -> list[Produced]:
    return [document for document in produced if document.item["kind"] == kind]


@pytest.fixture
def vice_chairman(create_user):
    return create_user("vice_chairman", "UBND_DN", ["chairman"])


def check_signers(world, produced: list[Produced], *, chairman: str, chairman_lines: list[str],  # noqa: F811
                  state_lines: list[str]) -> None:
    chairman_name = f"Người dùng {chairman}"
    expected = {"guidance": ("lead_head", [HEAD]), "consolidated_submission": ("lead_head", [HEAD]),
                "home_affairs_submission": ("snv_director", [HEAD]),
                "award_decision": (chairman, chairman_lines), "state_submission": (chairman, state_lines)}
    for document in produced:
        kind, symbol = document.item["kind"], document.item["symbol"]
        if kind == "unit_submission":
            user, lines = UNIT_SIGNERS[symbol]
        elif kind in expected:
            user, lines = expected[kind]
        else:
            continue
        titles, names = signature(open_docx(document.docx))
        assert (titles, names) == (lines, [f"Người dùng {user}"]), (kind, symbol)
        assert detail(world, document.item)["context"]["signed_by"]["username"] == user, (kind, symbol)
    assert chairman_name in text_of(open_docx(by_kind(produced, "award_decision")[0].docx))


def check_minutes(produced: list[Produced]) -> None:
    minutes = by_kind(produced, "council_minutes")
    assert len(minutes) == 3
    for document in minutes:
        text = text_of(open_docx(document.docx))
        members = [f"- {name}, {position}" for name, position in COUNCIL[:8]]
        assert all(member in text for member in members), text
        assert f"Chủ trì: {COUNCIL[0][0]}, Chủ tịch Hội đồng, Giám đốc." in text
        assert f"Thư ký: {COUNCIL[7][0]}, Thư ký Hội đồng." in text
        assert "Thời gian bắt đầu: 08 giờ 00 phút, ngày 20 tháng 11 năm 2026." in text
        assert "kết thúc vào 10 giờ 30 phút cùng ngày" in text
        assert ", ngày 20 tháng 11 năm 2026" in text, "the minutes are dated the meeting day"
        assert not any(line.startswith("Số:") for line in text.splitlines()), "unnumbered: no blank number line"
        assert signature(open_docx(document.docx)) == (["THƯ KÝ", "CHỦ TỌA"], [COUNCIL[7][0], COUNCIL[0][0]])


def check_reports(produced: list[Produced]) -> None:
    superior = "Người dùng city_superior"
    collective = {text_of(open_docx(d.docx)).split("Tên tập thể: ")[1].split(".")[0]: d
                  for d in by_kind(produced, "collective_report")}
    titles, names = signature(open_docx(collective["Sở Tài chính"].docx))
    # The superior who confirmed (left) and the unit's head who signed (right), names on one row.
    assert titles[:3] == ["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", *COMMITTEE_HEAD] and titles[3:] == [HEAD]
    assert names == [superior, "Người dùng stc_head"]
    ward_titles, ward_names = signature(open_docx(collective["Ủy ban nhân dân phường Hải Châu"].docx))
    # No superior confirms the ward's reports in the workflow: the block waits for a hand signature, unnamed.
    assert ward_titles == ["XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", *COMMITTEE_HEAD]
    assert ward_names == ["Người dùng hc_head"]
    for document in by_kind(produced, "individual_report"):
        titles, names = signature(open_docx(document.docx))
        assert titles == ["THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN, ĐỀ NGHỊ", HEAD, "NGƯỜI BÁO CÁO THÀNH TÍCH",
                          "XÁC NHẬN CỦA CẤP TRÌNH KHEN THƯỞNG", *COMMITTEE_HEAD]
        assert names[0] == "Người dùng stc_head" and names[2] == superior and names[1] in text_of(
            open_docx(document.docx)).split("Họ và tên: ")[1]
        text = text_of(open_docx(document.docx))
        assert "1. Quyền hạn, nhiệm vụ được giao\nChuyên viên Sở Tài chính" in text
        assert "Hội đồng sáng kiến cơ sở" in text


def broken_pairs(document: Produced) -> list[str]:
    """Word pairs of the .docx that the PDF's lines split (pdftotext's reading order, one line per line)."""
    raw = subprocess.run(["pdftotext", "-", "-"], input=document.pdf, capture_output=True, check=True).stdout.decode()
    lines = [re.sub(r"\s+", " ", line).lower() for line in raw.splitlines()]
    source = text_of(open_docx(document.docx)).lower()
    broken = []
    for pair in PAIRS:
        wanted = source.count(pair.lower())
        if wanted and sum(line.count(pair.lower()) for line in lines) < wanted:
            broken.append(pair)
    return broken


def pdf_fonts(pdf: bytes) -> set[str]:
    """Font families embedded in the PDF: Times New Roman, or Liberation Serif standing in for it."""
    listing = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    names = [line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()]
    return {name.split("-")[0].split(",")[0] for name in names}


def test_a_round_signed_by_the_vice_chairman(world, app, monkeypatch, vice_chairman):  # noqa: F811
    require_libreoffice()
    _, _, instances = walk_round(world, app, monkeypatch, chairman="vice_chairman", signed_as="vice_chairman")
    produced = produced_documents(world, instances)
    kinds = sorted({document.item["kind"] for document in produced})
    assert kinds == sorted(["guidance", "unit_submission", "council_minutes", "collective_report",
                            "individual_report", "consolidated_submission", "home_affairs_submission",
                            "award_decision", "state_submission"])
    check_signers(world, produced, chairman="vice_chairman", chairman_lines=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
                  state_lines=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])
    check_minutes(produced)
    check_reports(produced)
    decision = text_of(open_docx(by_kind(produced, "award_decision")[0].docx))
    bases = [line for line in decision.splitlines() if line.startswith("Căn cứ")]
    assert bases[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương")

    render_artefacts(produced, "round_vice_chairman")
    for document in produced:
        label = (document.item["kind"], document.item["symbol"])
        numbered = document.item["symbol"] is not None
        assert format_problems(document.docx, kind=document.item["kind"], numbered=numbered) == [], label
        assert detail(world, document.item)["format_problems"] == [], label
        text = text_of(open_docx(document.docx))
        assert "{{" not in text and "{%" not in text, label
        assert not [line for line in text.splitlines() if EMPTY_PLACEHOLDER.search(line)], label
        assert broken_pairs(document) == [], label
        assert pdf_fonts(document.pdf) <= {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman"}, label


def test_the_chairman_signs_his_decision_in_his_own_title(world, app, monkeypatch):  # noqa: F811
    """A Chairman's decision (the Chairman is the authority) carries "CHỦ TỊCH" without "TM."; the People's
    Committee's submission to the Prime Minister "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"."""
    _, _, instances = walk_round(world, app, monkeypatch, chairman="chairman", signed_as="chairman")
    produced = produced_documents(world, instances)
    check_signers(world, produced, chairman="chairman", chairman_lines=["CHỦ TỊCH"], state_lines=COMMITTEE_HEAD)


def test_the_guidance_prints_the_local_deadline(world):  # noqa: F811
    """06:00 on 11/12 in Đà Nẵng is 23:00 on 10/12 in UTC: the guidance gives the local date."""
    world.open_round(deadline=vietnam(2026, 12, 11, 6))
    guidance = next(item for item in documents_of(world, world.round()["instance_id"]) if item["kind"] == "guidance")
    text = text_of(open_docx(content_of(world, guidance["id"])))
    assert "gửi trước ngày 11/12/2026." in text, text
    assert "10/12/2026" not in text
