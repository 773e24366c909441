"""The Markdown summary: what a CI step summary (``$GITHUB_STEP_SUMMARY``) or a pull request comment
shows: the scores, a table per area, and each failure folded under its ID with the spec's sentence
and what was sent, expected and got. GitHub-flavoured: tables and ``<details>``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.report import scoring


def render(document: Mapping[str, Any]) -> str:
    rows = document["requirements"]
    server = document["server"]
    levels = scoring.by_level(rows)
    total = scoring.tally(rows)
    lines = [
        f"## Conformance: {server['name']} {server.get('version') or '(version unknown)'} ({scoring.label(document)})",
        "",
        " · ".join(
            [f"**{level} {levels[level].score()}** ({levels[level].fraction()})"
             for level in scoring.SCORED_LEVELS if levels[level].scored]
            + [f"{total.informational} informational", f"{total.not_applicable} not applicable"]
        ) + f" · {len(rows)} requirements",
        "",
    ]
    error = (document.get("harness") or {}).get("error")
    if error:  # the scores of a run cut short would mislead
        lines[2:] = ["**Harness error**: the set-up failed, so this run says nothing of the server's conformance.",
                     "", _fence(error), "", _footer(document)]
        return "\n".join(lines) + "\n"
    missing = scoring.no_verdict_line(rows)
    if missing:
        lines += [f"**{missing[0].upper() + missing[1:]}**", ""]
    risk = scoring.smuggling_line(rows)
    if risk:
        judged, fails = scoring.smuggling(rows)
        lines += [("**⚠ " if fails else "") + risk[0].upper() + risk[1:] + ("**" if fails else ""), ""]
    lines += ["| area | MUST | SHOULD | MAY (informational) | not applicable |", "|---|---|---|---|---|"]
    for area, area_levels in scoring.by_area(rows).items():
        cells = [_cell(area_levels[level]) for level in scoring.SCORED_LEVELS]
        lines.append(
            f"| {_inline(area)} | {' | '.join(cells)} | {sum(t.informational for t in area_levels.values())} "
            f"| {sum(t.not_applicable for t in area_levels.values())} |"
        )
    lines.append("")
    failed = scoring.failed(rows)
    if failed:
        lines += [f"### Failed requirements ({len(failed)})", ""]
        lines += [_failure(row) for row in failed]
    else:
        lines += ["No requirement failed.", ""]
    expectations = document.get("expectations") or {}
    if expectations.get("stale"):
        lines += ["### Stale expectations: remove them", ""]
        lines += [f"- `{key}` passes now" for key in expectations["stale"]]
        lines.append("")
    lines.append(_footer(document))
    return "\n".join(lines) + "\n"


def _footer(document: Mapping[str, Any]) -> str:
    return (
        f"<sub>python-server-conformance {document.get('suite_version', '?')} · {document.get('schema', '?')} · "
        f"{document.get('date', '?')} · Python {document.get('python', '?')} · "
        f"`{_inline(document['server'].get('command') or '')}`</sub>"
    )


def _cell(tally: scoring.Tally) -> str:
    if not tally.scored:
        return "-"
    mark = "✅" if tally.failed == 0 else "❌"
    return f"{mark} {tally.fraction()}"


def _failure(row: Mapping[str, Any]) -> str:
    expectation = row.get("expectation")
    expected = f" (expected: {_inline(expectation.get('reason', ''))})" if expectation else ""
    parts = [
        f"<details><summary><code>{row['id']}</code> {row['level']}"
        f"{' (smuggling risk)' if row.get('risk') == scoring.SMUGGLING else ''}: {_html(row.get('summary') or '')}"
        f"{_html(expected)}</summary>",
        "",
        f"{row.get('spec', '')}, §{row.get('section', '')}",
        "",
    ]
    if row.get("quote"):
        parts += ["> " + line for line in row["quote"].splitlines()] + [""]
    for check in row.get("checks") or []:
        if check.get("outcome") != "failed":
            continue
        parts.append(f"`{check['nodeid']}`")
        failure = check.get("failure")
        text = (
            "\n".join(f"{name + ':':<10}{failure.get(name) or ''}" for name in ("sent", "expected", "got"))
            if failure else check.get("detail") or ""
        )
        parts += [_fence(text), ""]
    parts += ["</details>", ""]
    return "\n".join(parts)


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}\n{text}\n{fence}"


def _inline(text: str) -> str:
    """Text safe inside a table cell or a one-line paragraph."""
    return " ".join(text.split()).replace("|", "\\|")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
