"""Wall time of a full conformance run against one server, server start included, beside its floor.

Usage: python benchmarks/full_run.py [--server uvicorn] [--runs 3] [-- extra pytest args]
Runs ``python -m pytest --server=NAME -q`` from a temporary folder (as a user would after
``pip install``) the given number of times and prints each run's wall time, its floor and their
ratio, then the medians.

The floor is what no scheduling can save, read from the run's own results JSON: the time outside
the checks (interpreter start, collection, the servers' start and stop: the wall time less the
checks' own durations), plus the longest single check (a wait that must be waited out), plus the
checks that do not wait (those under WAITING seconds), which are work, not waiting, and are done
one after another on a 2-core machine anyway.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WAITING = 0.1  # seconds: a check that takes longer is taken to be waiting for something


def floor_of(document: dict, wall: float) -> tuple[float, str]:
    """The run's floor, and the longest check's node ID."""
    checks = {c["nodeid"]: c["duration"] for row in document["requirements"] for c in row["checks"]}
    if not checks:
        return wall, "(no check ran)"
    longest = max(checks, key=checks.__getitem__)
    outside = max(wall - sum(checks.values()), 0.0)
    work = sum(seconds for seconds in checks.values() if seconds < WAITING)
    return outside + checks[longest] + work, f"{longest} ({checks[longest]:.1f} s)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="uvicorn")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("pytest_args", nargs="*")
    options = parser.parse_args()
    walls, floors = [], []
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "results.json"
        for _ in range(options.runs):
            started = time.perf_counter()
            completed = subprocess.run(
                [sys.executable, "-m", "pytest", f"--server={options.server}", "-q", "-p", "no:cacheprovider",
                 f"--report-json={report}", *options.pytest_args],
                cwd=folder, capture_output=True, text=True, timeout=600,
            )
            walls.append(time.perf_counter() - started)
            summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else "(no output)"
            if report.exists():
                floor, longest = floor_of(json.loads(report.read_text()), walls[-1])
                floors.append(floor)
                print(f"{walls[-1]:6.2f} s  floor {floor:5.2f} s  ratio {walls[-1] / floor:4.2f}  exit "
                      f"{completed.returncode}  {summary}  longest: {longest}")
            else:
                print(f"{walls[-1]:6.2f} s  exit {completed.returncode}  {summary}  (no results JSON)")
    line = f"median {statistics.median(walls):.2f} s over {len(walls)} runs ({options.server})"
    if floors:
        wall, floor = statistics.median(walls), statistics.median(floors)
        line += f", floor {floor:.2f} s, ratio {wall / floor:.2f}"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
