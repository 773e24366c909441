"""What the HTTP/1.1 parsing area adds to a full run: each server's full run timed with the area and
without it (``-k "not test_parsing"``), and the difference of the medians.

Usage: python benchmarks/parsing_cost.py [--runs 3] SERVER [SERVER ...]
Each run is ``python -m pytest --server=NAME -q`` from a temporary folder, server start included.
"""

from __future__ import annotations

import argparse
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("servers", nargs="+")
    options = parser.parse_args()
    print(f"{'server':<20} {'with':>8} {'without':>8} {'area adds':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for server in options.servers:
            with_area = statistics.median(timed(server, folder) for _ in range(options.runs))
            without = statistics.median(timed(server, folder, "-k", "not test_parsing") for _ in range(options.runs))
            print(f"{server:<20} {with_area:7.1f}s {without:7.1f}s {with_area - without:9.1f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
