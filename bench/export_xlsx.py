"""An export of 10,000 rows as .xlsx (the ranking's columns): target ≤ 2 s.

    .venv/bin/python -m bench.export_xlsx [--rows 10000]

Times the workbook writing alone (the rows are made in memory as the API's schema dumps them), the
part that grows with the list; the query behind a list is measured by the list's own bench.
"""

from __future__ import annotations

import argparse
import io
import time

import openpyxl

from service.exports import lists
from service.exports.xlsx import workbook

TARGET_SECONDS = 2.0


def rows(count: int) -> list[dict]:
    return [{"rank": i + 1, "name": f"Nguyễn Văn Người Số {i}", "kind": "individual",
             "unit_name": f"Phòng Văn hóa và Thông tin số {i % 90}", "dx_index_score": 70 + (i % 3000) / 100,
             "votes_for": 8, "votes_present": 9, "outcome": "awarded", "outcome_reason": None,
             "decision_number": f"{i}/QĐ-UBND"} for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    data = rows(args.rows)
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        content = workbook("Xếp hạng", lists.RANKING, data)
        samples.append(time.perf_counter() - started)
    check = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    assert sum(1 for _ in check.iter_rows(values_only=True)) == args.rows + 1
    best = min(samples)
    print({"rows": args.rows, "seconds": [round(s, 3) for s in samples], "bytes": len(content),
           "within_target": best <= TARGET_SECONDS})


if __name__ == "__main__":
    main()
