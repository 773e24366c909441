"""Wall time of a full conformance run against one server, server start included.

Usage: python benchmarks/full_run.py [--server uvicorn] [--runs 5] [-- extra pytest args]
Runs ``python -m pytest --server=NAME -q`` from a temporary folder (as a user would after
``pip install``) the given number of times and prints each time and the median.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="uvicorn")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("pytest_args", nargs="*")
    options = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(options.runs):
            started = time.perf_counter()
            completed = subprocess.run(
                [sys.executable, "-m", "pytest", f"--server={options.server}", "-q", "-p", "no:cacheprovider",
                 *options.pytest_args],
                cwd=folder, capture_output=True, text=True, timeout=600,
            )
            times.append(time.perf_counter() - started)
            summary = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else "(no output)"
            print(f"{times[-1]:6.2f} s  exit {completed.returncode}  {summary}")
    print(f"median {statistics.median(times):.2f} s over {len(times)} runs ({options.server})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
