"""The results document: per requirement, a verdict built from the outcomes of its checks.

Schema ``conformance-results/1`` (documented in README.md, "Results JSON"):
  schema, suite_version, date, duration, python, platform,
  server {name, version, interfaces, command, description},
  summary {verdict: count} and by_level {level: {verdict: count}},
  coverage {requirements, checked, unchecked: [ids]},
  requirements: [{id, level, spec, section, area, summary, verdict, duration, detail,
                  observations, checks: [{nodeid, outcome, duration, detail}]}]

Verdicts: pass, fail, not_applicable (every check skipped: the server lacks the feature),
informational (a MAY requirement: what the server does is reported, never failed).
A requirement counts once, whatever the number of its checks or their sub-assertions.
"""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.catalogue import Requirement

SCHEMA = "conformance-results/1"
VERDICTS = ("pass", "fail", "not_applicable", "informational")


@dataclass
class CheckOutcome:
    nodeid: str
    requirement_ids: list[str]
    outcome: str = "passed"  # passed, failed, skipped
    duration: float = 0.0
    detail: str = ""
    observations: list[str] = field(default_factory=list)

    def absorb(self, phase: str, outcome: str, duration: float, detail: str) -> None:
        """Merge one phase (setup, call, teardown) of the check's run."""
        self.duration += duration
        if outcome == "failed" and self.outcome != "failed":
            self.outcome, self.detail = "failed", detail
        elif outcome == "skipped" and self.outcome == "passed":
            self.outcome, self.detail = "skipped", detail


def verdict_of(requirement: Requirement, checks: list[CheckOutcome]) -> str:
    outcomes = {check.outcome for check in checks}
    if outcomes == {"skipped"}:
        return "not_applicable"
    if requirement.informational:
        return "informational"
    return "fail" if "failed" in outcomes else "pass"


def build(
    catalogue: dict[str, Requirement],
    checks: list[CheckOutcome],
    *,
    server: dict[str, Any],
    interfaces: set[str],
    duration: float,
) -> dict[str, Any]:
    by_requirement: dict[str, list[CheckOutcome]] = {}
    for check in checks:
        for requirement_id in check.requirement_ids:
            by_requirement.setdefault(requirement_id, []).append(check)
    in_scope = [r for r in catalogue.values() if r.interface in interfaces]
    rows = []
    for requirement in in_scope:
        its_checks = by_requirement.get(requirement.id)
        if not its_checks:
            continue
        verdict = verdict_of(requirement, its_checks)
        failed = [c for c in its_checks if c.outcome == "failed"]
        skipped = [c for c in its_checks if c.outcome == "skipped"]
        rows.append(
            {
                "id": requirement.id,
                "level": requirement.level,
                "spec": requirement.spec,
                "section": requirement.section,
                "area": requirement.area,
                "summary": requirement.summary,
                "verdict": verdict,
                "duration": round(sum(c.duration for c in its_checks), 4),
                "detail": (failed or skipped or [its_checks[0]])[0].detail if (failed or skipped) else "",
                "observations": [o for c in its_checks for o in c.observations],
                "checks": [
                    {"nodeid": c.nodeid, "outcome": c.outcome, "duration": round(c.duration, 4), "detail": c.detail}
                    for c in its_checks
                ],
            }
        )
    summary = {verdict: sum(1 for row in rows if row["verdict"] == verdict) for verdict in VERDICTS}
    by_level = {
        level: {verdict: sum(1 for r in rows if (r["level"], r["verdict"]) == (level, verdict)) for verdict in VERDICTS}
        for level in ("MUST", "SHOULD", "MAY")
    }
    checked = {row["id"] for row in rows}
    return {
        "schema": SCHEMA,
        "suite_version": __version__,
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "duration": round(duration, 3),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "server": server,
        "summary": summary,
        "by_level": by_level,
        "coverage": {
            "requirements": len(in_scope),
            "checked": len(checked),
            "unchecked": sorted(r.id for r in in_scope if r.id not in checked),
        },
        "requirements": rows,
    }


def write(document: dict[str, Any], path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
