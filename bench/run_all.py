"""Run every benchmark and print the figures and a final table: target, measured, ratio, pass/fail.

    .venv/bin/python -m bench.run_all            # the full run (about 10 minutes)
    .venv/bin/python -m bench.run_all --quick    # smaller samples and data (about 3 minutes)
    .venv/bin/python -m bench.run_all --only http_sqlite history_growth --json bench/results/run.json

Nothing here asserts: the figures are for reading. The exit status is 0 unless a benchmark crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback
from importlib.metadata import version
from pathlib import Path

from . import (
    bench_migration,
    engine_floor,
    history_growth,
    http_sqlite,
    inbox_100k,
    profile_completion,
    sandbox_cost,
    throughput_pg,
)
from .targets import print_table, rows

MODULES = {
    "engine_floor": engine_floor,
    "sql_statements": profile_completion,
    "http_sqlite": http_sqlite,
    "history_growth": history_growth,
    "inbox_100k": inbox_100k,
    "throughput_pg": throughput_pg,
    "sandbox_cost": sandbox_cost,
    "migration": bench_migration,
}
# Too long for --quick (1,000 instances migrated while completions are timed): the full run only, or --only.
FULL_ONLY = {"migration"}


def machine() -> dict:
    return {"python": platform.python_version(), "spiffworkflow": version("SpiffWorkflow"),
            "cpus": os.cpu_count(), "load_average": os.getloadavg(), "platform": platform.platform()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller samples and data sets")
    parser.add_argument("--only", nargs="+", choices=sorted(MODULES), help="run just these benchmarks")
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this JSON file")
    args = parser.parse_args(argv)

    context = machine()
    print(f"Vinh Danh benchmarks ({'quick' if args.quick else 'full'}): Python {context['python']},"
          f" SpiffWorkflow {context['spiffworkflow']}, {context['cpus']} CPUs,"
          f" load average {context['load_average'][0]:.2f} at start")
    results: dict = {"machine": context, "quick": args.quick}
    crashed = False
    for name in args.only or [name for name in MODULES if not (args.quick and name in FULL_ONLY)]:
        module = MODULES[name]
        print(f"\n== {name} ==", flush=True)
        started = time.monotonic()
        try:
            if name in ("http_sqlite", "throughput_pg") and "engine_floor" in results:
                result = module.run(quick=args.quick, floor_ms=results["engine_floor"]["raw"]["median_ms"])
            elif name == "sql_statements":
                result = module.run()
            else:
                result = module.run(quick=args.quick)
        except Exception:
            crashed = True
            traceback.print_exc()
            results[name] = {"error": traceback.format_exc(limit=3)}
            continue
        results[name] = result
        module.report(result)
        print(f"  ({time.monotonic() - started:.0f} s)", flush=True)

    results["machine"]["load_average_end"] = os.getloadavg()
    print(f"\n== summary (load average {os.getloadavg()[0]:.2f} at end) ==")
    print_table(rows(results))
    if args.json:
        path = Path(args.json)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as handle:
            json.dump(results, handle, ensure_ascii=False, indent=1, default=str)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
