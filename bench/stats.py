"""Summaries of timing samples: median, p95 and friends, in milliseconds."""

from __future__ import annotations

import math
import statistics


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation: p95 of 300 samples is the 285th smallest)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarize(seconds: list[float]) -> dict:
    """Median, p95, mean, min and max in milliseconds, and the sample count."""
    if not seconds:
        return {"n": 0, "median_ms": math.nan, "p95_ms": math.nan, "mean_ms": math.nan,
                "min_ms": math.nan, "max_ms": math.nan}
    ms = [value * 1000 for value in seconds]
    return {
        "n": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 0.95),
        "mean_ms": statistics.fmean(ms),
        "min_ms": min(ms),
        "max_ms": max(ms),
    }


def line(label: str, summary: dict) -> str:
    """One printable line: label, median, p95, n."""
    return (f"  {label:<34} median {summary['median_ms']:8.3f} ms   p95 {summary['p95_ms']:8.3f} ms"
            f"   (n={summary['n']})")
