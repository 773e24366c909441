"""Running the conformance suite as its users do (``python -m pytest ...`` in a subprocess) and
reading back its results JSON, for the project's own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import conformance

REPO = Path(__file__).resolve().parent.parent
CHECKS_DIR = Path(conformance.__file__).resolve().parent / "checks"


@dataclass
class SuiteRun:
    returncode: int
    output: str
    results: dict[str, Any] | None

    def outcomes(self) -> dict[str, str]:
        """Check (node ID relative to conformance/checks) -> passed / failed / skipped; a failure an
        expectation (--expect) foresaw is failed too (see expected_failures)."""
        return {relative_check_id(check["nodeid"]): check["outcome"] for check in self._checks()}

    def expected_failures(self) -> set[str]:
        """The checks that failed as the expectations file (--expect) said they would (pytest's xfail)."""
        return {relative_check_id(check["nodeid"]) for check in self._checks() if check["expected_failure"]}

    def _checks(self) -> list[dict[str, Any]]:
        return [check for row in (self.results or {}).get("requirements", []) for check in row["checks"]]

    def observations(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for row in (self.results or {}).get("requirements", []):
            for check in row["checks"]:
                found.setdefault(relative_check_id(check["nodeid"]), []).extend(row["observations"])
        return found


def relative_check_id(nodeid: str) -> str:
    return nodeid.split("checks/", 1)[1] if "checks/" in nodeid else nodeid


def repo_env() -> dict[str, str]:
    """The environment with this repository's ``conformance`` first on the path, whichever copy of
    it is installed (a worktree's runs must import the worktree's, as CHECKS_DIR names it)."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))


def run_suite(args: list[str], tmp_path: Path, timeout: float = 120) -> SuiteRun:
    report = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--report-json={report}", *args],
        cwd=tmp_path, env=repo_env(), capture_output=True, text=True, timeout=timeout,
    )
    results = json.loads(report.read_text()) if report.exists() else None
    return SuiteRun(completed.returncode, completed.stdout + completed.stderr, results)


def collected_checks(interface: str, tmp_path: Path) -> list[str]:
    """Every check node ID for ``interface`` (collection only: no server is started)."""
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--server-cmd=true {port}", f"--interface={interface}", str(CHECKS_DIR)],
        cwd=tmp_path, env=repo_env(), capture_output=True, text=True, timeout=60,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return [relative_check_id(line) for line in completed.stdout.splitlines() if "::" in line]
