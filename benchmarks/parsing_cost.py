"""What the HTTP/1.1 parsing area adds to a full run: each server's full run timed with the area and
without it (``-k "not test_parsing"``), and the difference of the medians.

Usage: python benchmarks/parsing_cost.py [--runs 3] [--area-alone] SERVER [SERVER ...]
Each run is ``python -m pytest --server=NAME -q`` from a temporary folder, server start included.
With --area-alone, each run is the area's checks alone, and the figure is the sum of their
durations (setup included: the batch and its instances), from the run's results JSON: what the
area adds to a full run, without timing the rest of it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time


def timed(server: str, folder: str, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", f"--server={server}", "-q", "-p", "no:cacheprovider", *extra],
                   cwd=folder, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - started


def area_seconds(server: str, folder: str) -> float:
    """The area's checks' durations summed, from a run of the area alone."""
    report = f"{folder}/{server}.json"
    subprocess.run([sys.executable, "-m", "pytest", f"--server={server}", "-q", "-p", "no:cacheprovider",
                    f"--report-json={report}", "--pyargs", "conformance.checks.http"],
                   cwd=folder, capture_output=True, text=True, timeout=900)
    with open(report) as results:
        rows = json.load(results)["requirements"]
    return sum(check["duration"] for row in rows if row["id"].startswith("HTTP1-PARSE") for check in row["checks"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--area-alone", action="store_true", help="the area's own seconds, from a run of it alone")
    parser.add_argument("servers", nargs="+")
    options = parser.parse_args()
    if options.area_alone:
        print(f"{'server':<26} {'area':>6}")
        with tempfile.TemporaryDirectory() as folder:
            for server in options.servers:
                seconds = statistics.median(area_seconds(server, folder) for _ in range(options.runs))
                print(f"{server:<26} {seconds:5.1f}s", flush=True)
        return 0
    print(f"{'server':<20} {'with':>8} {'without':>8} {'area adds':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for server in options.servers:
            with_area = statistics.median(timed(server, folder) for _ in range(options.runs))
            without = statistics.median(timed(server, folder, "-k", "not test_parsing") for _ in range(options.runs))
            print(f"{server:<20} {with_area:7.1f}s {without:7.1f}s {with_area - without:9.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
