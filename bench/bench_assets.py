"""Benchmark: gzipped size of the front-end bundles (target: the officers' pages load ≤ 400 kB of JS and CSS
gzipped — app + task-form + diagram together; the modeler never loads on them).

Run from the repository root after `make assets`:  .venv/bin/python bench/bench_assets.py [--json PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

DIST = Path(__file__).resolve().parents[1] / "service" / "static" / "dist"
TARGET_KB = 400
# What each kind of page loads (bundle names without extension; each has a .js and may have a .css).
PAGES = {
    "every page (app)": ["app"],
    "task page (app + task-form + diagram)": ["app", "task-form", "diagram"],
    "instance page (app + diagram)": ["app", "diagram"],
}
OFFICER_PAGES = "task page (app + task-form + diagram)"


def gzipped_size(path: Path) -> int:
    """Bytes after gzip at level 6 (what a server or proxy typically sends)."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def measure() -> dict:
    files = sorted(path for path in DIST.glob("*") if path.suffix in {".js", ".css"})
    if not files:
        raise SystemExit(f"no bundles in {DIST}: run `make assets` first")
    bundles = {path.name: {"bytes": path.stat().st_size, "gzip_bytes": gzipped_size(path)} for path in files}
    pages = {}
    for page, names in PAGES.items():
        loaded = [f"{name}{ext}" for name in names for ext in (".js", ".css") if f"{name}{ext}" in bundles]
        pages[page] = {"files": loaded, "gzip_bytes": sum(bundles[name]["gzip_bytes"] for name in loaded)}
    return {"bundles": bundles, "pages": pages, "target_kb": TARGET_KB}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    result = measure()
    print(f"{'bundle':<24}{'raw kB':>10}{'gzip kB':>10}")
    for name, sizes in result["bundles"].items():
        print(f"{name:<24}{sizes['bytes'] / 1000:>10.1f}{sizes['gzip_bytes'] / 1000:>10.1f}")
    print()
    for page, figures in result["pages"].items():
        print(f"{page:<42}{figures['gzip_bytes'] / 1000:>8.1f} kB gzip  ({', '.join(figures['files'])})")
    officers = result["pages"][OFFICER_PAGES]["gzip_bytes"] / 1000
    verdict = "PASS" if officers <= TARGET_KB else "FAIL"
    print(f"\nofficers' pages: {officers:.1f} kB gzip, target ≤ {TARGET_KB} kB: {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
