"""A city's award round through the HTTP API with officers working at once, its documents and their PDFs.

The service runs as `make run` serves it (threaded HTTP server, timer loop, the embedded converter: one
long-lived LibreOffice per slot) on a temporary SQLite database with the demo data plus `--units` new wards.
`--clients` sessions walk the wards' dossiers at once (draft → council minutes → head → superior → submit →
accepted by the lead agency), then the round goes to the Chairman's decision. Printed: path time per nominee,
409s seen, documents by state, the service's conversion time per document against LibreOffice converting the
same .docx files alone in one batch in this run (goal ≤ 1.5×), and the whole city estimated from this run
(110 wards × 14 nominees, every document and its PDF; goal ≤ 10 minutes).

    .venv/bin/python -m bench.bench_city_round [--units 12] [--nominees 9] [--clients 4]
    .venv/bin/python -m bench.bench_city_round --units 110 --nominees 14     # the whole city, measured
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from .city_round_walk import Walk, prepare_database, serve, start_server, stop_server, walk_round

CITY_UNITS, CITY_NOMINEES = 110, 14
GOAL_RATIO, GOAL_CITY_SECONDS = 1.5, 600.0


def wait_for_pdfs(walk: Walk, round_id: int, limit: float = 3600) -> tuple[dict, float]:
    """Poll the round's progress until no document waits; (last progress, seconds waited)."""
    from .client import ApiClient

    client, started = ApiClient(walk.port), time.perf_counter()
    try:
        while True:
            progress = walk.call(client, "GET", f"/api/v1/rounds/{round_id}/documents/progress", "reviewer_skhcn")
            if progress["states"]["generated"] + progress["states"]["converting"] == 0:
                return progress, time.perf_counter() - started
            if time.perf_counter() - started > limit:
                raise SystemExit(f"documents still waiting after {limit:.0f} s: {progress['states']}")
            time.sleep(0.25)
    finally:
        client.close()


def document_rows(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, pdf_status, pdf_seconds, pdf_claimed_at, converted_at, content FROM generated_documents "
            "WHERE pdf_status = 'converted' ORDER BY id")).all()
    engine.dispose()
    return rows


def _seconds(value) -> float:
    from datetime import datetime

    return datetime.fromisoformat(str(value)).timestamp()


def busy_seconds(rows: list) -> float:
    """Wall time during which at least one document was being converted (the union of claim → stored)."""
    spans = sorted((_seconds(row.pdf_claimed_at), _seconds(row.converted_at)) for row in rows)
    total, current_start, current_end = 0.0, *spans[0]
    for start, end in spans[1:]:
        if start > current_end:
            total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    return total + current_end - current_start


def libreoffice_batch(documents: list[bytes]) -> float:
    """Seconds per document for `soffice --convert-to pdf` over all files in one run (profile warmed first)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="vinhdanh-lo-batch-") as work:
        folder, out = Path(work) / "in", Path(work) / "out"
        folder.mkdir()
        paths = []
        for index, content in enumerate(documents):
            paths.append(folder / f"d{index:05d}.docx")
            paths[-1].write_bytes(content)
        command = [soffice, f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out)]
        subprocess.run([*command, str(paths[0])], capture_output=True, check=True)
        started = time.perf_counter()
        subprocess.run([*command, *map(str, paths)], capture_output=True, check=True)
        seconds = time.perf_counter() - started
        made = len(list(out.glob("*.pdf")))
    if made != len(documents):
        raise SystemExit(f"LibreOffice's batch made {made} of {len(documents)} PDFs")
    return seconds / len(documents)


def report(args, walk: Walk, path: float, progress: dict, tail: float, rows: list) -> None:
    nominees = args.units * args.nominees
    conversion = [row.pdf_seconds for row in rows if row.pdf_seconds is not None]
    end_to_end = [_seconds(row.converted_at) - _seconds(row.pdf_claimed_at) for row in rows]
    batch = libreoffice_batch([row.content for row in rows])
    busy = busy_seconds(rows)
    service = statistics.fmean(conversion)
    print(f"Đợt: {args.units} đơn vị × {args.nominees} đối tượng = {nominees} đối tượng, {args.clients} người dùng "
          f"đồng thời / concurrent officers, {args.converters or 'default'} converter slot(s)")
    print(f"  path (open → Chairman's decision)  {path:8.1f} s   {path / nominees * 1000:7.1f} ms per nominee")
    print(f"  409 answers seen (retried)         {walk.conflicts:8d}   of {walk.requests} requests")
    print(f"  documents                          {progress['total']:8d}   {progress['label']}   "
          f"states {progress['states']}")
    print(f"  last PDF after the decision        {tail:8.1f} s")
    print(f"  service: LibreOffice conversion    {service:8.3f} s per document (median "
          f"{statistics.median(conversion):.3f}); with rendering and storing {statistics.fmean(end_to_end):.3f} s")
    print(f"  service: throughput while busy     {busy / len(rows):8.3f} s per document ({len(rows)} in {busy:.1f} s)")
    print(f"  LibreOffice alone, one batch       {batch:8.3f} s per document (same {len(rows)} files, this run)")
    print(f"  ratio service / batch              {service / batch:8.2f}×   (goal ≤ {GOAL_RATIO}×; throughput "
          f"ratio {busy / len(rows) / batch:.2f}×)")
    city = CITY_UNITS * CITY_NOMINEES
    city_path = path / nominees * city
    city_pdfs = busy / len(rows) * progress["total"] / nominees * city
    estimate = max(city_path + tail, city_pdfs)
    print(f"  whole city ({CITY_UNITS} × {CITY_NOMINEES} = {city} nominees, ≈ "
          f"{round(progress['total'] / nominees * city)} documents): path {city_path:.0f} s, PDFs {city_pdfs:.0f} s "
          f"→ ≈ {estimate:.0f} s = {estimate / 60:.1f} min (goal ≤ {GOAL_CITY_SECONDS / 60:.0f} min)")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:  # the served process (started by the bench itself)
        serve(argv[1], int(argv[2]), int(argv[3]) or None)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=12, help="wards with a dossier each")
    parser.add_argument("--nominees", type=int, default=9, help="nominees per dossier")
    parser.add_argument("--clients", type=int, default=4, help="officers' sessions working at once")
    parser.add_argument("--converters", type=int, default=None,
                        help="converter slots (PDF_CONVERTERS; default: the service's own, one per core)")
    args = parser.parse_args(argv)
    from service.nomination.demo_round import PASSWORD

    url = f"sqlite:///{tempfile.mkdtemp(prefix='vinhdanh-city-round-')}/city.db"
    print(f"chuẩn bị dữ liệu / preparing {url} …", flush=True)
    prepare_database(url, args.units)
    process, port = start_server(url, args.converters)
    try:
        walk = Walk(port=port, password=PASSWORD)
        round_id, path = walk_round(walk, args.units, args.nominees, args.clients)
        progress, tail = wait_for_pdfs(walk, round_id)
    finally:
        stop_server(process)
    report(args, walk, path, progress, tail, document_rows(url))


if __name__ == "__main__":
    main()
