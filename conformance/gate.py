"""The CI gate over one run: which expected failures held, which went stale, which failures are new.

Belongs here: what the gate concludes from a run's outcomes and its expectations, and the rewrite
of the expectations file (``--update-expectations``). The file format and its rules are in
``report/expectations.py``; the plugin only marks expected checks as xfail and sets the exit code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from conformance.catalogue import Requirement
from conformance.report import expectations
from conformance.report.expectations import Expectation
from conformance.report.results import CheckOutcome


def _check_results(outcomes: Iterable[CheckOutcome]) -> list[expectations.CheckResult]:
    return [expectations.CheckResult(o.nodeid, tuple(o.requirement_ids), o.outcome) for o in outcomes]


def load(expect: str | None, update: str | None, catalogue: Mapping[str, Requirement],
         checks: Iterable[str]) -> dict[str, Expectation]:
    """The expected failures: --expect's file, else the file --update-expectations rewrites (if any)."""
    path = expect
    if path is None and update is not None and Path(update).exists():
        path = update
    if path is None:
        return {}
    return expectations.load(path, catalogue, checks)


def judge(expected: Mapping[str, Expectation], outcomes: list[CheckOutcome], file: str | None) -> dict[str, Any]:
    """Each expectation's state, and the requirements that failed with no expectation covering them."""
    states = expectations.judge(expected.values(), _check_results(outcomes))
    return {
        "file": file,
        "entries": [{**e.as_dict(), "state": states[e.key]} for e in expected.values()],
        "stale": [key for key, state in states.items() if state == expectations.STALE],
        "not_run": [key for key, state in states.items() if state == expectations.NOT_RUN],
        "unexpected": sorted({rid for o in outcomes if o.outcome == "failed" and not o.expected_failure
                              for rid in o.requirement_ids}),
        "written": None,
    }


def by_requirement(expected: Mapping[str, Expectation], outcomes: list[CheckOutcome],
                   entries: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """Requirement ID -> the expectation (with its state) that covers it or one of its checks."""
    by_key = {entry["key"]: entry for entry in entries}
    rows: dict[str, dict[str, str]] = {}
    for outcome in outcomes:
        for expectation in expected.values():
            if expectation.covers(outcome.nodeid, outcome.requirement_ids):
                for rid in outcome.requirement_ids:
                    rows.setdefault(rid, by_key[expectation.key])
    return rows


def rewrite(path: str, gate: dict[str, Any], expected: Mapping[str, Expectation], outcomes: list[CheckOutcome],
            catalogue: Mapping[str, Requirement], *, server: str, option: str) -> None:
    """Write the expectations file from this run; ``gate`` gets what was written, or why not."""
    describe = {rid: f"fails on {server} (say why here): {r.summary}"
                for rid, r in catalogue.items() if not r.informational}
    entries = expectations.updated(expected, _check_results(outcomes), describe)
    header = (f"Conformance expectations for {server}: the failures it is known to have.\n"
              f"Used as: pytest {option} --expect={Path(path).name}   (rewritten by --update-expectations)\n"
              'Each entry: [REQUIREMENT-ID] or ["check node ID"], reason = "why", issue = "a link" (optional).')
    try:
        Path(path).write_text(expectations.dumps(entries, header), encoding="utf-8")
    except OSError as error:
        gate["update_error"] = f"cannot write {path}: {error.strerror or error}"
        return
    gate["written"] = {"file": path, "entries": len(entries), "added": len({e.key for e in entries} - set(expected)),
                       "removed": len(gate["stale"])}
