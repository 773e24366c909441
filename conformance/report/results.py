"""The results document: per requirement, a verdict built from the outcomes of its checks.

Schema ``conformance-results/1`` (documented in README.md, "Results JSON"):
  schema, suite_version, date, duration, python, platform,
  server {name, version, interfaces, command, description},
  summary {verdict: count} and by_level {level: {verdict: count}},
  coverage {requirements, checked, unchecked: [ids]},
  requirements: [{id, level, spec, section, area, interface, summary, quote, note, verdict,
                  duration, detail, observations, expectation,
                  checks: [{nodeid, outcome, duration, detail, expected_failure,
                            failure: {sent, expected, got} (failed checks only)}]}],
  expectations (with --expect) {file, entries, unexpected, stale, not_run}, harness {launches, error}
  (in reports/, ``published``: ports, process IDs and temporary folders as placeholders)

Every renderer (HTML, Markdown, badge, matrix) reads this document and nothing else: what a
person needs to read a failure (the spec's sentence, what was sent, expected and got) is in it.

Verdicts: pass, fail, not_applicable (every check skipped: the server lacks the feature),
informational (a MAY requirement: what the server does is reported, never failed), error (no
verdict: a check raised what no server could have caused, and none failed).
A requirement counts once, whatever the number of its checks or their sub-assertions.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.catalogue import Requirement
from conformance.verify import FIELDS

SCHEMA = "conformance-results/1"
VERDICTS = ("pass", "fail", "not_applicable", "informational", "error")


@dataclass
class CheckOutcome:
    nodeid: str
    requirement_ids: list[str]
    outcome: str = "passed"  # passed, failed, error (no verdict: the check's own error), skipped
    duration: float = 0.0
    detail: str = ""
    observations: list[str] = field(default_factory=list)
    expected_failure: bool = False  # failed, and an expectation (--expect) said it would
    # A failure's parts as the check's report carried them (conformance/plugin/failures.py): headings,
    # sent, expected, got, server (what became of it); None if the failure is only its detail.
    failure: dict[str, str] | None = None

    def absorb(self, phase: str, outcome: str, duration: float, detail: str,
               failure: dict[str, str] | None = None) -> None:
        """Merge one phase (setup, call, teardown) of the check's run."""
        self.duration += duration
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome, self.detail = outcome, detail
            self.failure = failure if outcome == "failed" else None


_RANK = {"passed": 0, "skipped": 1, "error": 2, "failed": 3}  # the phase that says most wins


def verdict_of(requirement: Requirement, checks: list[CheckOutcome]) -> str:
    outcomes = {check.outcome for check in checks}
    if outcomes == {"skipped"}:
        return "not_applicable"
    if "error" in outcomes and "failed" not in outcomes:
        return "error"
    if requirement.informational:
        return "informational"
    return "fail" if "failed" in outcomes else "pass"


def _sent_expected_got(failure: dict[str, str] | None) -> dict[str, str] | None:
    """A failure as the document shows it: what was sent, what was expected, and what was got
    followed by what became of the server (its last lines of output); None if the failure has none
    of the three (a plain assertion's traceback: its detail is all there is)."""
    if not failure or not any(name in failure for name in FIELDS):
        return None
    shown = {name: failure.get(name, "") for name in FIELDS}
    if failure.get("server"):
        shown["got"] = f"{shown['got']}\n{failure['server']}"
    return {name: text.strip() for name, text in shown.items()}


def _check_row(check: CheckOutcome) -> dict[str, Any]:
    row: dict[str, Any] = {
        "nodeid": check.nodeid,
        "outcome": check.outcome,
        "duration": round(check.duration, 4),
        "detail": check.detail,
        "expected_failure": check.expected_failure,
    }
    if check.outcome == "failed":
        row["failure"] = _sent_expected_got(check.failure)
    return row


def build(
    catalogue: dict[str, Requirement],
    checks: list[CheckOutcome],
    *,
    server: dict[str, Any],
    interfaces: set[str],
    duration: float,
    expectations: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The results document. ``expectations`` maps a requirement ID to the expectation (key,
    reason, issue) that covers it, for the rows the CI gate expected to fail."""
    by_requirement: dict[str, list[CheckOutcome]] = {}
    for check in checks:
        for requirement_id in check.requirement_ids:
            by_requirement.setdefault(requirement_id, []).append(check)
    in_scope = [r for r in catalogue.values() if r.applies_to(interfaces)]
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
                "interface": requirement.interface,
                "risk": requirement.risk,
                "summary": requirement.summary,
                "quote": requirement.quote,
                "note": requirement.note,
                "verdict": verdict,
                "duration": round(sum(c.duration for c in its_checks), 4),
                "detail": (failed or skipped or [its_checks[0]])[0].detail if (failed or skipped) else "",
                "observations": [o for c in its_checks for o in c.observations],
                "expectation": (expectations or {}).get(requirement.id),
                "checks": [_check_row(c) for c in its_checks],
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


class ResultsError(ValueError):
    """A file that is not a results document this suite can read; the message is one sentence."""


def load(path: str | Path) -> dict[str, Any]:
    """Read a results document, refusing (in one sentence) anything a renderer could not use."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ResultsError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise ResultsError(f"{path}: not JSON ({error})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else None
        raise ResultsError(
            f"{path}: not a results document of schema {SCHEMA} (found schema {found!r}); "
            "write one with pytest --server=NAME --report-json=PATH"
        )
    problems = [key for key, kind in (("server", dict), ("requirements", list))
                if not isinstance(document.get(key), kind)]
    rows = document.get("requirements") or []
    if not problems and not all(isinstance(r, dict) and {"id", "level", "area", "verdict"} <= set(r) for r in rows):
        problems.append("requirements (each needs id, level, area and verdict)")
    if problems:
        raise ResultsError(f"{path}: the results document lacks or has malformed: {', '.join(problems)}")
    return document


def write(document: dict[str, Any], path: str | Path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


_LOOPBACK_PORT = re.compile(r"(?<![\d.])(127\.0\.0\.1|localhost|\[::1\]):\d+")
_TEMP_PATH = re.compile(r"/tmp/[\w.-]+/(?:[\w.-]+/)*([\w.-]+)")


def published(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the matrix publishes it: what changes from run to run with no change in the
    server (process IDs, the free ports picked, temporary folders) is written as a placeholder, so
    a regenerated report differs only where the server's behaviour or the timings did."""
    launches = (document.get("harness") or {}).get("launches", [])
    own_ports = re.compile("|".join(rf"(?<![\d.]){launch['port']}(?!\d)" for launch in launches) or "(?!)")

    def steady(value: Any) -> Any:
        if isinstance(value, str):  # a launch's own port is also quoted bare ("GET /environ to port 54637")
            return _TEMP_PATH.sub(r"{tmp}/\1", own_ports.sub("{port}", _LOOPBACK_PORT.sub(r"\1:{port}", value)))
        if isinstance(value, list):
            return [steady(item) for item in value]
        if isinstance(value, dict):
            return {key: steady(item) for key, item in value.items()}
        return value

    copy = steady(document)
    for launch in (copy.get("harness") or {}).get("launches", []):
        launch.pop("pid", None)
        launch["port"] = "{port}"
    return copy
