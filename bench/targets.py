"""The issue's targets and SpiffArena's reference figures, checked against one run's results."""

from __future__ import annotations

import math
from dataclasses import dataclass

# Measured on the reference machine (SpiffArena: SQLite, one worker, over HTTP).
REFERENCE = {"raw_floor_ms": 0.72, "spiffarena_complete_ms": 54.6, "spiffarena_start_ms": 60.9,
             "spiffarena_inbox_ms": 14.3}


@dataclass
class Row:
    figure: str
    target: str
    measured: float | None
    unit: str
    limit: float | None  # pass when measured <= limit (>= when at_least); None: informational
    at_least: bool = False
    reference: str = ""

    @property
    def ratio(self) -> float | None:
        if self.measured is None or self.limit in (None, 0) or math.isnan(self.measured):
            return None
        return self.measured / self.limit

    @property
    def verdict(self) -> str:
        if self.measured is None or (isinstance(self.measured, float) and math.isnan(self.measured)):
            return "n/a"
        if self.limit is None:
            return "info"
        ok = self.measured >= self.limit if self.at_least else self.measured <= self.limit
        return "PASS" if ok else "FAIL"


def _get(results: dict, *path, default=None):
    value = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return value


def rows(results: dict) -> list[Row]:
    """One row per figure the issue names, from whatever modules ran."""
    def g(*path):
        return _get(results, *path)

    throughput_best = g("throughput_pg", "best")
    table = [
        Row("engine floor: raw SpiffWorkflow, median", "(reference 0.72 ms)", g("engine_floor", "raw", "median_ms"),
            "ms", None, reference="0.72 ms"),
        Row("engine floor: our runtime, median", "-", g("engine_floor", "ours", "median_ms"), "ms", None),
        Row("SQL statements per completion (load-independent)", "-", g("sql_statements", "complete"), "", None),
        Row("HTTP SQLite: server CPU per completion (load-independent)", "-",
            g("http_sqlite", "server_cpu_ms", "complete"), "ms", None),
        Row("HTTP SQLite: completion median", "<= 3 ms", g("http_sqlite", "complete", "median_ms"), "ms", 3.0,
            reference="SpiffArena 54.6 ms"),
        Row("HTTP SQLite: completion p95", "<= 10 ms", g("http_sqlite", "complete", "p95_ms"), "ms", 10.0),
        Row("HTTP SQLite: instance start median", "<= 4 ms", g("http_sqlite", "start", "median_ms"), "ms", 4.0,
            reference="SpiffArena 60.9 ms"),
        Row("HTTP SQLite: completion / raw step (interleaved)", "<= 4x",
            g("http_sqlite", "complete_over_floor"),
            "x", 4.0),
        Row("HTTP SQLite: inbox query median (small db)", "-", g("http_sqlite", "inbox", "median_ms"), "ms", None,
            reference="SpiffArena 14.3 ms"),
    ]
    if throughput_best:
        table += [
            Row(f"PostgreSQL throughput ({throughput_best['server']})", ">= 300/s",
                throughput_best["completions_per_second"], "/s", 300.0, at_least=True),
            Row("PostgreSQL: share of the engine-only limit (cores / raw step)", ">= 15 %",
                100 * results["throughput_pg"]["share_of_engine_limit"], "%", 15.0, at_least=True),
            Row("PostgreSQL: CPU-bound ceiling on these cores (load-independent)", ">= 300/s",
                throughput_best.get("cpu_bound_capacity_per_second"), "/s", 300.0, at_least=True),
            Row("PostgreSQL: errors (all configurations)", "0",
                sum(r["errors"] + r["start_errors"] for r in results["throughput_pg"]["configs"]), "", 0.0),
            Row("PostgreSQL: lost updates (all configurations)", "0",
                sum(r["lost_updates"] for r in results["throughput_pg"]["configs"]), "", 0.0),
        ]
    else:
        table.append(Row("PostgreSQL throughput", ">= 300/s", None, "/s", 300.0, at_least=True))
    for backend in ("sqlite", "postgresql"):
        open_tasks = g("inbox_100k", backend, "open_tasks")
        label = f"inbox at {open_tasks:,} open tasks, {backend}" if open_tasks else f"inbox 100k, {backend}"
        table += [
            Row(f"{label}: HTTP median (slowest user)", "<= 5 ms", g("inbox_100k", backend, "worst_http_median_ms"),
                "ms", 5.0),
            Row(f"{label}: HTTP p95 (slowest user)", "-", g("inbox_100k", backend, "worst_http_p95_ms"), "ms", None),
        ]
    table += [
        Row("history: cycle wall time 50th / a 1st return beside it", "<= 1.25x",
            g("history_growth", "cycle_ratio_50_1"), "x", 1.25),
        Row("history: server CPU per cycle 50th / a 1st return beside it", "<= 1.25x",
            g("history_growth", "server_cpu_ratio_50_1"), "x", 1.25),
        Row("history: engine time 50th / a 1st return beside it", "<= 1.25x",
            g("history_growth", "engine_ratio_50_1"), "x", 1.25),
        Row("history: cycle wall time 50th / own 1st return, minutes apart", "-",
            g("history_growth", "cycle_ratio_50_1_apart"), "x", None),
        Row("history: state size 50th / 1st return", "<= 1.25x", g("history_growth", "state_size_ratio_50_1"), "x",
            1.25),
        Row("migration of 1,000 instances: completion median during / idle", "<= 2x",
            g("migration", "median_ratio"), "x", 2.0),
        Row("migration of 1,000 instances: completion p95 during / idle", "<= 2x",
            g("migration", "p95_ratio"), "x", 2.0),
        Row("migration of 1,000 instances: throughput", "-", g("migration", "instances_per_second"),
            "inst/s", None),
    ]
    return table


def print_table(table: list[Row]) -> None:
    print(f"{'figure':<62} {'target':>20} {'measured':>12} {'ratio':>7}  result  reference")
    for row in table:
        measured = "-" if row.measured is None else f"{row.measured:,.3f} {row.unit}".strip()
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}"
        print(f"{row.figure:<62} {row.target:>20} {measured:>12} {ratio:>7}  {row.verdict:<6}  {row.reference}")
