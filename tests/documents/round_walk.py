"""A whole award round walked through the shipped diagrams as the real roles, with a Vice Chairman signing the
decision and the State-level submission; every document it produces, and its PDF and first-page PNG."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from service.db import utcnow
from service.nomination import public_notice
from service.pdf.soffice import convert_to_pdf
from tests.documents.test_integration_round import (
    configure_individual_rate,
    content_of,
    documents_of,
    end_public_notice,
)
from tests.nomination.test_paths_round import after_notice_to_chairman, close_and_consolidate, collect_dossiers

ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


@dataclass
class Produced:
    """A generated document of the round: its API summary, its .docx and (once converted) its PDF text."""

    item: dict
    docx: bytes
    pdf: bytes | None = None
    text: str = ""


def walk_round(world, app, monkeypatch, *, chairman: str = "vice_chairman", signed_as: str = "vice_chairman"):
    """The round from opening to the State-level submission; returns the dossiers and the round's instance."""
    configure_individual_rate(world)
    world.open_round(total_quota=10)
    dossiers = collect_dossiers(world)
    round_instance = close_and_consolidate(world)
    world.act("lead_reviewer", round_instance, "review_consolidation",
              {"consolidation_note": "Đã rà soát hồ sơ, đối chiếu tiêu chuẩn"})
    world.act("lead_head", round_instance, "lead_sign", {"decision": "approve"})
    with monkeypatch.context() as patch:
        patch.setattr(public_notice.processes, "end_of_day", lambda _day: utcnow() + timedelta(seconds=1))
        world.act("ec_officer", round_instance, "appraise", {"decision": "approve"})
    end_public_notice(world, app.extensions["vinhdanh"].session_factory, round_instance)
    after_notice_to_chairman(world, round_instance)
    world.act(chairman, round_instance, "chairman_decide", {"decision": "approve_all", "signed_as": signed_as})
    proposals = world.get("auditor", "/api/v1/process-instances?process_key=state_level_proposal")["items"]
    for proposal in proposals:
        world.act("ec_officer", proposal["id"], "prepare_state_dossier",
                  {"state_award_form": "pm_certificate_of_merit"})
        world.act(chairman, proposal["id"], "chairman_sign_state", {"decision": "approve", "signed_as": signed_as})
    instances = [round_instance, *(d["instance_id"] for d in dossiers.values()), *(p["id"] for p in proposals)]
    return dossiers, round_instance, instances


def produced_documents(world, instances: list[int]) -> list[Produced]:
    produced = []
    for instance_id in instances:
        for item in documents_of(world, instance_id):
            produced.append(Produced(item, content_of(world, item["id"])))
    return produced


def render_artefacts(produced: list[Produced], folder: str) -> None:
    """PDF through LibreOffice, its text through pdftotext (layout kept), page 1 as PNG for a person to look at."""
    target = ARTEFACTS / folder
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for index, document in enumerate(produced, start=1):
        stem = f"{index:02d}_{document.item['kind']}_{(document.item.get('symbol') or 'khong_so').replace('/', '-')}"
        document.pdf = convert_to_pdf(document.docx)
        (target / f"{stem}.docx").write_bytes(document.docx)
        (target / f"{stem}.pdf").write_bytes(document.pdf)
        document.text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=document.pdf, capture_output=True,
                                       check=True).stdout.decode()
        (target / f"{stem}.txt").write_text(document.text)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(target / f"{stem}.pdf"),
                            str(target / stem)], check=True)
