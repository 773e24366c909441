"""Scores: what every rendering (terminal, HTML, Markdown, badge, matrix) says about a results document.

Rules, so no two renderings disagree:
- A score counts requirements, never checks or sub-assertions: a requirement with five checks
  counts once.
- Only pass and fail are scored. Not applicable (the server lacks the feature), informational
  (a MAY, or a choice the spec leaves open) and error (no verdict: the check's own error) are
  reported beside the score, never in its denominator.
- A percentage is rounded down, so 99.6% is shown as 99%: 100% means nothing failed.
- Areas are listed in name order (the names start with the interface, so WSGI and ASGI areas stay
  together); levels in the catalogue's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from conformance.catalogue import INTERFACES, LEVELS

SCORED_LEVELS = ("MUST", "SHOULD")  # MAY requirements are informational: reported, never scored

# shields.io's named colours, best first.
COLOURS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "lightgrey": "#9f9f9f",
}


@dataclass(frozen=True)
class Tally:
    """How many requirements got each verdict."""

    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    informational: int = 0
    errors: int = 0

    @property
    def scored(self) -> int:
        return self.passed + self.failed

    @property
    def total(self) -> int:
        return self.scored + self.not_applicable + self.informational + self.errors

    @property
    def percent(self) -> int | None:
        """Passed out of scored, rounded down; None when nothing was scored."""
        if not self.scored:
            return None
        return self.passed * 100 // self.scored

    def fraction(self) -> str:
        """``42/46``, or ``-`` when nothing was scored."""
        return f"{self.passed}/{self.scored}" if self.scored else "-"

    def score(self) -> str:
        """``91%``, or ``-`` when nothing was scored."""
        return "-" if self.percent is None else f"{self.percent}%"


# Each verdict and the Tally field that counts it, in the order renderings list them.
TALLY_FIELDS = {"pass": "passed", "fail": "failed", "not_applicable": "not_applicable",
                "informational": "informational", "error": "errors"}


def tally(rows: Iterable[Mapping[str, Any]]) -> Tally:
    counts = dict.fromkeys(TALLY_FIELDS.values(), 0)
    for row in rows:
        field = TALLY_FIELDS.get(row["verdict"])
        if field is not None:
            counts[field] += 1
    return Tally(**counts)


def by_level(rows: Iterable[Mapping[str, Any]]) -> dict[str, Tally]:
    rows = list(rows)
    return {level: tally(r for r in rows if r["level"] == level) for level in LEVELS}


def areas(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted({row["area"] for row in rows})


def by_area(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Tally]]:
    """Area -> level -> tally, areas in name order."""
    rows = list(rows)
    return {area: by_level(r for r in rows if r["area"] == area) for area in areas(rows)}


def failed(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [row for row in rows if row["verdict"] == "fail"]


def without_verdict(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The requirements whose checks raised an error of their own: the suite's fault, not the server's."""
    return [row for row in rows if row["verdict"] == "error"]


def no_verdict_line(rows: Iterable[Mapping[str, Any]]) -> str:
    """One sentence on the requirements left without a verdict, or "" when there are none."""
    missing = without_verdict(rows)
    if not missing:
        return ""
    return (f"harness error in a check: no verdict for {', '.join(row['id'] for row in missing)} (the suite's "
            "fault, not the server's: each check's report has the traceback)")


SMUGGLING = "smuggling"


def smuggling(rows: Iterable[Mapping[str, Any]]) -> tuple[int, list[Mapping[str, Any]]]:
    """How many requirements of the run carry a smuggling risk, and the ones of them that failed."""
    risky = [row for row in rows if row.get("risk") == SMUGGLING]
    return len(risky), failed(risky)


def smuggling_line(rows: Iterable[Mapping[str, Any]]) -> str:
    """One sentence on the smuggling-risk requirements, or "" when the run judged none."""
    judged, fails = smuggling(rows)
    if not judged:
        return ""
    if not fails:
        return f"no smuggling risk found: none of the {judged} smuggling-risk requirements failed"
    return (f"smuggling risk: {len(fails)} of {judged} requirements failed, where two parsers could read one byte "
            f"stream as different requests: {', '.join(row['id'] for row in fails)}")


def label(document: Mapping[str, Any]) -> str:
    """The badge's label: the interfaces the server was checked on, ``WSGI``, ``ASGI`` or ``WSGI+ASGI``."""
    served = set(document["server"].get("interfaces") or ())
    served |= {row["interface"] for row in document["requirements"] if row.get("interface")}
    names = [i.upper() for i in INTERFACES if i in served]
    return "+".join(names) or "conformance"


def message(levels: Mapping[str, Tally]) -> str:
    """``MUST 98% · SHOULD 91%``: the scored levels that have something scored."""
    parts = [f"{level} {levels[level].score()}" for level in SCORED_LEVELS if levels[level].scored]
    return " · ".join(parts) or "nothing scored"


def colour(levels: Mapping[str, Tally]) -> str:
    """A shields colour name: green only when no MUST failed, bright green when nothing failed."""
    must, should = levels["MUST"].percent, levels["SHOULD"].percent
    if must is None and should is None:
        return "lightgrey"
    must = 100 if must is None else must
    if must == 100:
        return "brightgreen" if should in (None, 100) else "green"
    if must >= 90:
        return "yellow"
    if must >= 75:
        return "orange"
    return "red"


def headline(document: Mapping[str, Any]) -> str:
    """One line naming the server and its scores, e.g. for a page title."""
    server = document["server"]
    version = server.get("version") or "version unknown"
    return f"{server['name']} {version} ({label(document)}): {message(by_level(document['requirements']))}"
