"""The terminal summary at the end of every pytest run: the scores, a line per area with counts per
level, how many smuggling-risk requirements failed, each failed requirement by ID, and what the CI
gate concluded. Plain lines; the plugin
writes them under a heading, and those starting with one of ALARMS in red."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.errors import EXIT_HARNESS_ERROR
from conformance.report import scoring

ALARMS = ("harness error", "stale expectation", "FAIL ", "cannot write", "smuggling risk:")


def lines(document: Mapping[str, Any]) -> list[str]:
    error = (document.get("harness") or {}).get("error")
    if error:  # the scores of a run cut short would mislead: the error is all there is to say
        return [f"harness error (exit code {EXIT_HARNESS_ERROR}): {error.splitlines()[0]}",
                "  the set-up failed, so this run says nothing of the server's conformance"]
    return _scores(document) + _gate(document.get("expectations"))


def _scores(document: Mapping[str, Any]) -> list[str]:
    rows = document["requirements"]
    server = document["server"]
    levels = scoring.by_level(rows)
    total = scoring.tally(rows)
    out = [
        f"{server['name']} {server.get('version') or '(version unknown)'} ({scoring.label(document)}), "
        f"suite {document.get('suite_version', '?')}: {scoring.message(levels)}",
        f"{len(rows)} requirements: {total.passed} pass, {total.failed} fail, {total.not_applicable} not applicable, "
        f"{total.informational} informational (scores count requirements, not checks)",
    ]
    risk = scoring.smuggling_line(rows)
    out += [risk] if risk else []
    missing = scoring.no_verdict_line(rows)
    out += [missing] if missing else []
    table = [["area", "MUST", "SHOULD", "MAY", "n/a"]]
    for area, area_levels in scoring.by_area(rows).items():
        table.append(_row(area, area_levels))
    table.append(_row("all", levels))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    out += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in table]
    for row in scoring.failed(rows):
        expectation = row.get("expectation")
        mark = "XFAIL" if expectation else "FAIL"
        why = f" (expected: {expectation.get('reason', '')})" if expectation else ""
        risk = " [smuggling risk]" if row.get("risk") == scoring.SMUGGLING else ""
        out.append(f"{mark} {row['id']} {row['level']}{risk}: {row.get('summary', '')}{why}")
    return out


def _row(name: str, levels: Mapping[str, scoring.Tally]) -> list[str]:
    informational = sum(t.informational for t in levels.values())
    not_applicable = sum(t.not_applicable for t in levels.values())
    return [name, *(_cell(levels[level]) for level in scoring.SCORED_LEVELS),
            f"{informational} info" if informational else "-", str(not_applicable) if not_applicable else "-"]


def _cell(tally: scoring.Tally) -> str:
    if not tally.scored:
        return "-"
    return tally.fraction() + ("" if tally.failed == 0 else f" ({tally.failed} fail)")


def _gate(gate: Mapping[str, Any] | None) -> list[str]:
    if not gate:
        return []
    entries = gate.get("entries") or []
    states = [entry["state"] for entry in entries]
    out = [f"expected failures ({gate.get('file')}): {states.count('holds')} hold, "
           f"{states.count('stale')} stale, {states.count('not_run')} not run"
           + (f"; failing and not expected: {', '.join(gate['unexpected'])}" if gate.get("unexpected") else "")]
    written = gate.get("written")
    for key in gate.get("stale") or []:
        reason = next((e["reason"] for e in entries if e["key"] == key), "")
        if written:
            out.append(f"removed the stale expectation {key}: it passes now (it said: {reason})")
        else:
            out.append(f"stale expectation: remove it: {key} passes now (it said: {reason})")
    if gate.get("update_error"):
        out.append(gate["update_error"])
    if written:
        out.append(f"wrote {written['file']}: {written['entries']} expected failures "
                   f"({written['added']} added, {written['removed']} stale removed)")
    return out
