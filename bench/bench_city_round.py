"""A city's award round through the HTTP API with officers working at once, its documents and their PDFs.

The service runs as `make run` serves it (threaded HTTP server, timer loop, the embedded converter: one
long-lived LibreOffice per slot) on a temporary SQLite database with the demo data plus `--units` new wards.
`--clients` sessions walk the wards' dossiers at once (draft → council minutes → head → superior → submit →
accepted by the lead agency), then the round goes to the Chairman's decision. Printed: path time per nominee,
409s seen, documents by state, the PDFs' throughput beside the path; then a sample of the round's documents
converted again, with nothing else of the bench running, by the service's own converter code and by LibreOffice
alone in one batch (wall and CPU seconds per document, the ratio: goal ≤ 1.5×); and the whole city (110 wards ×
14 nominees, every document and its PDF; goal ≤ 10 minutes), estimated from this run or, at that size, measured.

    .venv/bin/python -m bench.bench_city_round [--units 12] [--nominees 9] [--clients 4]
    .venv/bin/python -m bench.bench_city_round --units 110 --nominees 14     # the whole city, measured
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select, text, update

from service.pdf import uno

from .city_round_walk import Walk, prepare_database, serve, start_server, stop_server, walk_round

CITY_UNITS, CITY_NOMINEES = 110, 14
GOAL_RATIO, GOAL_CITY_SECONDS = 1.5, 600.0
DRAIN_LIMIT = 1800.0


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


def processes_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by these processes and the children they have reaped."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def libreoffice_batch(documents: list[bytes]) -> tuple[float, float]:
    """(wall, CPU) seconds per document for `soffice --convert-to pdf` over all files in one run (profile
    warmed first), at the converters' priority like the service's LibreOffices."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    with tempfile.TemporaryDirectory(prefix="vinhdanh-lo-batch-") as work:
        folder, out = Path(work) / "in", Path(work) / "out"
        folder.mkdir()
        paths = []
        for index, content in enumerate(documents):
            paths.append(folder / f"d{index:05d}.docx")
            paths[-1].write_bytes(content)
        command = ["nice", "-n", str(uno.CONVERTER_NICE), soffice,
                   f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out)]
        subprocess.run([*command, str(paths[0])], capture_output=True, check=True)
        started, cpu = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([*command, *map(str, paths)], capture_output=True, check=True)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_seconds = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        made = len(list(out.glob("*.pdf")))
    if made != len(documents):
        raise SystemExit(f"LibreOffice's batch made {made} of {len(documents)} PDFs")
    return seconds / len(documents), cpu_seconds / len(documents)


class TimedBackend:
    """The service's converter, with the seconds of each LibreOffice round trip (unoserver) kept aside."""

    def __init__(self, backend):
        self.backend, self.seconds = backend, []

    def convert(self, docx: bytes) -> bytes:
        started = time.perf_counter()
        pdf = self.backend.convert(docx)
        self.seconds.append(time.perf_counter() - started)
        return pdf

    def __getattr__(self, name: str):
        return getattr(self.backend, name)


@dataclass
class Drain:
    """The service converting a backlog of the round's documents alone (nothing else of this bench running)."""

    slots: int
    documents: int
    wall: float  # first claim possible → last PDF stored
    round_trips: list[float]  # LibreOffice through unoserver, per document
    end_to_end: list[float]  # pdf_seconds: render + LibreOffice + signing, per document
    identical: int  # documents whose .docx rendered again is byte-identical to the round's
    cpu: float  # CPU seconds: this process (claim, render, store) + unoserver + its LibreOffice

    @property
    def per_document(self) -> float:
        return self.wall / self.documents


def sample_ids(rows: list, size: int) -> list[int]:
    """`size` documents spread evenly over the round's (every kind appears in proportion)."""
    if len(rows) <= size:
        return [row.id for row in rows]
    step = len(rows) / size
    return [rows[int(index * step)].id for index in range(size)]


def drain(url: str, expected: dict[int, bytes], slots: int) -> Drain:
    """Put `ids` back to "generated" (without their .docx, so the converter renders them as in the round) and
    time this process's ConversionService (the service's code: claim, render, convert, sign, store) until
    every one is stored again (`expected`: each document's .docx from the round). Its LibreOffices are started
    and warmed on one document first, as the batch's profile is."""
    from service.db import make_engine, make_session_factory, utcnow
    from service.models import GeneratedDocument
    from service.pdf.service import ConversionService, default_backend

    ids = list(expected)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        warm_docx = session.scalar(select(GeneratedDocument.content).where(GeneratedDocument.id == ids[0]))
    backends: list[TimedBackend] = []

    def backend(index: int) -> TimedBackend:
        timed = TimedBackend(default_backend(index))
        timed.backend.convert(warm_docx)
        backends.append(timed)
        return timed

    service = ConversionService(factory, slots=slots, backend_factory=backend, name="bench-drain")
    service.start()
    deadline = time.monotonic() + 300
    while len(backends) < slots or not service.idle.is_set():
        if time.monotonic() > deadline:
            raise SystemExit("the converters did not start")
        time.sleep(0.1)
    with factory() as session:
        session.execute(update(GeneratedDocument).where(GeneratedDocument.id.in_(ids))
                        .values(pdf_status="generated", pdf_attempts=0, content=None, sha256=None, pdf_content=None,
                                pdf_seconds=None, converted_at=None, pdf_claimed_at=None))
        session.commit()
    def converters_cpu() -> float:
        return processes_cpu([pid for timed in backends if timed.backend.process is not None
                              for pid in (timed.backend.process.pid, *timed.backend.office_pids())])

    started, cpu = utcnow(), time.process_time() + converters_cpu()
    service.wake()
    # wake() has cleared `idle`; it is set again once every slot found the queue empty (no polling here, so
    # this process's CPU time is the converters').
    if not service.idle.wait(DRAIN_LIMIT):
        raise SystemExit(f"the sample was not converted again within {DRAIN_LIMIT:.0f} s")
    cpu = time.process_time() + converters_cpu() - cpu
    service.stop()
    with factory() as session:
        rows = session.execute(select(GeneratedDocument.id, GeneratedDocument.converted_at,
                                      GeneratedDocument.pdf_seconds, GeneratedDocument.pdf_status,
                                      GeneratedDocument.content).where(GeneratedDocument.id.in_(ids))).all()
    engine.dispose()
    failed = [row for row in rows if row.pdf_status != "converted"]
    if failed:
        raise SystemExit(f"{len(failed)} of the sample did not convert again")
    wall = (max(row.converted_at for row in rows) - started).total_seconds()
    return Drain(slots=slots, documents=len(ids), wall=wall,
                 round_trips=[second for timed in backends for second in timed.seconds],
                 end_to_end=[row.pdf_seconds for row in rows],
                 identical=sum(row.content == expected[row.id] for row in rows), cpu=cpu)


def report(args, walk: Walk, path: float, progress: dict, tail: float, rows: list, url: str) -> None:
    from service.pdf.service import default_slots

    nominees = args.units * args.nominees
    busy = busy_seconds(rows)
    in_run = [row.pdf_seconds for row in rows if row.pdf_seconds is not None]
    slots = args.converters or default_slots()
    print(f"Đợt: {args.units} đơn vị × {args.nominees} đối tượng = {nominees} đối tượng, {args.clients} người dùng "
          f"đồng thời / concurrent officers, {slots} converter slot(s)", flush=True)
    print(f"  path (open → Chairman's decision)  {path:8.1f} s   {path / nominees * 1000:7.1f} ms per nominee")
    print(f"  409 answers seen (retried)         {walk.conflicts:8d}   of {walk.requests} requests")
    print(f"  documents                          {progress['total']:8d}   {progress['label']}   "
          f"states {progress['states']}")
    print(f"  last PDF after the decision        {tail:8.1f} s")
    print(f"  in the round, beside the path: throughput {busy / len(rows):.3f} s per document (wall while any was "
          f"converting / {len(rows)}); each document {statistics.median(in_run):.3f} s median claim → stored "
          f"(render + LibreOffice + sign, slots sharing the cores with the web workers)", flush=True)
    ids = sample_ids(rows, args.compare)
    expected = {row.id: row.content for row in rows if row.id in set(ids)}
    sample = list(expected.values())
    print(f"  the same {len(ids)} documents converted again, nothing else of this bench running "
          f"(LibreOffice at nice {uno.CONVERTER_NICE} in both):", flush=True)
    before = libreoffice_batch(sample)
    service = drain(url, expected, slots)
    single = drain(url, expected, 1) if slots != 1 else service
    after = libreoffice_batch(sample)
    batch_wall, batch_cpu = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
    for run in (service, single) if single is not service else (service,):
        trip, claimed = statistics.median(run.round_trips), statistics.median(run.end_to_end)
        print(f"    service, {run.slots} slot(s): {run.per_document:8.3f} s per document = wall {run.wall:.1f} s / "
              f"{run.documents} (claim, render .docx, LibreOffice via unoserver, store); CPU "
              f"{run.cpu / run.documents:.3f} s per document (this process + unoserver + LibreOffice); per document: "
              f"LibreOffice round trip median {trip:.3f} s, claim → stored median {claimed:.3f} s; .docx rendered "
              f"again byte-identical {run.identical}/{run.documents}")
    print(f"    LibreOffice alone, one batch:  {batch_wall:8.3f} s per document = wall / {len(ids)}, mean of a run "
          f"before ({before[0]:.3f}) and after ({after[0]:.3f}) the service's; CPU {batch_cpu:.3f} s per document "
          f"(one soffice --convert-to over the round's .docx files, profile warmed)")
    print(f"    ratio service / batch, wall:    {service.per_document / batch_wall:8.2f}×  with the service's "
          f"{service.slots} slot(s) (goal ≤ {GOAL_RATIO}×); {single.per_document / batch_wall:.2f}× with one slot "
          f"(one LibreOffice, like the batch)")
    print(f"    ratio service / batch, CPU:     {service.cpu / service.documents / batch_cpu:8.2f}×  (the service "
          f"renders each .docx too; CPU time is the figure a loaded machine does not distort)")
    city = CITY_UNITS * CITY_NOMINEES
    city_documents = progress["total"] / nominees * city
    city_path = path / nominees * city
    city_pdfs = busy / len(rows) * city_documents
    estimate = max(city_path + tail, city_pdfs)
    measured = "measured: " if nominees >= city else "estimated from this run: "
    print(f"  whole city ({CITY_UNITS} × {CITY_NOMINEES} = {city} nominees, ≈ {round(city_documents)} documents), "
          f"{measured}path {city_path:.0f} s, PDFs beside it {city_pdfs:.0f} s → ≈ {estimate:.0f} s = "
          f"{estimate / 60:.1f} min (goal ≤ {GOAL_CITY_SECONDS / 60:.0f} min)")
    if nominees >= city:
        print(f"  this run, open → last PDF: {path + tail:.0f} s = {(path + tail) / 60:.1f} min")


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
    parser.add_argument("--compare", type=int, default=120,
                        help="documents converted again by the service and by LibreOffice's batch, for the ratio")
    args = parser.parse_args(argv)
    from service.demo.round import PASSWORD

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
    report(args, walk, path, progress, tail, document_rows(url), url)


if __name__ == "__main__":
    main()
