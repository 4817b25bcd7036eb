"""Benchmark: render an award decision with a 1,000-nominee attached list (target: median ≤ 1 s as .docx).

Run from the repository root:  .venv/bin/python bench/bench_documents.py [--runs 7] [--nominees 1000] [--pdf]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.documents import (
    DocumentKind,
    build_award_decision_context,
    render_document,
)
from service.pdf.soffice import convert_to_pdf, libreoffice_available

FORM = "Bằng khen của Chủ tịch Ủy ban nhân dân thành phố"
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi")
GIVEN = ("Thị Thu Hà", "Văn Đức", "Minh Triết", "Ngọc Ánh", "Quốc Việt", "Thanh Hương", "Hữu Lộc", "Thị Yến")


def nominees(count: int) -> list[dict]:
    rows = []
    for index in range(count):
        if index % 5 == 0:
            rows.append(
                {
                    "name": f"Phòng Chuyển đổi số số {index // 5 + 1}, Sở Khoa học và Công nghệ",
                    "kind": "collective",
                    "award_code": "city_bk",
                    "proposed_form": FORM,
                }
            )
        else:
            rows.append(
                {
                    "name": f"{SURNAMES[index % len(SURNAMES)]} {GIVEN[index % len(GIVEN)]}",
                    "kind": "individual",
                    "sex": "female" if index % 2 else "male",
                    "award_code": "city_bk",
                    "position": "Chuyên viên",
                    "unit": f"Ủy ban nhân dân phường số {index % 94 + 1}",
                    "proposed_form": FORM,
                }
            )
    return rows


def decision_context(count: int) -> dict:
    return build_award_decision_context(
        {
            "issuer": {"name": "Ủy ban nhân dân thành phố Đà Nẵng", "abbreviation": "UBND"},
            "signer": {
                "title": "Phó Chủ tịch",
                "name": "Trần Chí Cường",
                "delegation": "KT.",
                "acting_title": "Chủ tịch",
            },
            "issued_on": date(2026, 1, 5),
            "place": "Đà Nẵng",
            "number": 12,
            "recipients": ["Như Điều 3"],
            "archive": ["SNV"],
        },
        authority="Chủ tịch Ủy ban nhân dân thành phố Đà Nẵng",
        award_form=FORM,
        movement="phong trào thi đua chuyển đổi số năm 2025",
        legal_bases=["Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"],
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 15/TTr-SNV ngày 02 tháng 01 năm 2026",
        executors="Giám đốc Sở Nội vụ và các tập thể, cá nhân có tên tại Điều 1",
        reward_policy={
            "base_salary": 2_340_000,
            "rounding_unit": 10_000,
            "rates": [
                {"award_code": "city_bk", "subject_kind": "collective", "multiplier": "3.0", "label": FORM},
                {"award_code": "city_bk", "subject_kind": "individual", "multiplier": "1.0", "label": FORM},
            ],
        },
        nominees=nominees(count),
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--nominees", type=int, default=1000)
    parser.add_argument("--pdf", action="store_true", help="also time one PDF conversion")
    args = parser.parse_args()
    timings = []
    size = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        rendered = render_document(DocumentKind.AWARD_DECISION, decision_context(args.nominees))
        timings.append(time.perf_counter() - start)
        size = len(rendered.content)
    print(f"decision with {args.nominees} nominees, {args.runs} runs, {size / 1024:.0f} KiB .docx")
    print(
        f"median {statistics.median(timings):.3f} s   p95 {percentile(timings, 0.95):.3f} s   "
        f"min {min(timings):.3f} s   (target: median <= 1 s)"
    )
    if args.pdf and libreoffice_available():
        start = time.perf_counter()
        pdf = convert_to_pdf(rendered.content, timeout=600)
        print(f"PDF conversion: {time.perf_counter() - start:.1f} s, {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
