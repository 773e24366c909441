"""Whether a server's verdicts hold from one full run to the next: N full runs of each server,
serial and under xdist, and every requirement whose verdict changed between them, with each run's
detail.

Usage: python benchmarks/stability.py [--runs 3] [--workers auto] uvicorn hypercorn daphne ...
Each run is ``python -m pytest --server=NAME -q --report-json=...`` from a temporary folder (as a
user runs it); ``--workers 0`` leaves the xdist runs out. Exit 0 when no verdict changed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

Verdicts = dict[str, tuple[str, str]]  # requirement ID -> (verdict, detail)


def full_run(server: str, folder: Path, report: Path, extra: Sequence[str]) -> tuple[Verdicts, str]:
    """One run's verdict of every requirement, and a line saying how the run went."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", f"--server={server}", "-q", "-p", "no:cacheprovider",
         f"--report-json={report}", *extra],
        cwd=folder, capture_output=True, text=True, timeout=900,
    )
    seconds = time.perf_counter() - started
    lines = completed.stdout.strip().splitlines()
    line = f"{seconds:6.1f} s  exit {completed.returncode}  {lines[-1] if lines else '(no output)'}"
    if not report.exists():
        return {}, line + "  (no report written)"
    document = json.loads(report.read_text())
    return {r["id"]: (r["verdict"], r.get("detail") or "") for r in document["requirements"]}, line


def changed(runs: list[Verdicts]) -> dict[str, list[tuple[str, str]]]:
    """Each requirement whose verdict is not the same in every run, with what every run gave."""
    ids = sorted(set().union(*runs)) if runs else []
    missing = ("not run", "")
    return {rid: [run.get(rid, missing) for run in runs] for rid in ids
            if len({run.get(rid, missing)[0] for run in runs}) > 1}


def show(flips: dict[str, list[tuple[str, str]]]) -> None:
    for rid, seen in flips.items():
        print(f"  {rid}: " + " / ".join(verdict for verdict, _ in seen))
        for n, (verdict, detail) in enumerate(seen, 1):
            if detail:
                print(f"    run {n} ({verdict}): " + detail.replace("\n", "\n      "))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("servers", nargs="+")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="auto", help="the -n of the xdist runs; 0 for serial runs only")
    options = parser.parse_args()
    modes = [("serial", [])] + ([(f"-n {options.workers}", ["-n", options.workers])]
                                if options.workers != "0" else [])
    total = 0
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for server in options.servers:
            every_run: list[Verdicts] = []
            within: set[str] = set()  # flipped inside one mode: counted there
            for mode, extra in modes:
                runs = []
                for n in range(options.runs):
                    verdicts, line = full_run(server, folder, folder / f"{server}-{n}.json", extra)
                    print(f"{server} ({mode}) run {n + 1}: {line}", flush=True)
                    runs.append(verdicts)
                flips = changed(runs)
                total += len(flips)
                print(f"{server} ({mode}): {len(flips)} changed verdicts over {options.runs} runs "
                      f"of {len(runs[0]) if runs else 0} requirements", flush=True)
                show(flips)
                every_run += runs
                within |= set(flips)
            if len(modes) > 1:
                across = {rid: seen for rid, seen in changed(every_run).items() if rid not in within}
                total += len(across)
                print(f"{server}: {len(across)} other verdicts differ between the serial and the -n runs",
                      flush=True)
                show(across)
    print(f"changed verdicts in all: {total}")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
