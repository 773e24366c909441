"""The matrix: every server in the registry checked, and the published ``reports/`` made from it.

Belongs here: running one ``python -m pytest --server=NAME --report-json=...`` per installed server
(as many at once as asked), and writing ``reports/``:
- per server and version, ``NAME-VERSION.json`` (the results document, unchanged) with its
  ``.html`` page, ``.svg`` badge and ``.shields.json``;
- ``index.json``, the manifest: one entry per server (installed or not) and the files it owns,
  so a later run replaces a server's files without touching another's, and a run of some
  servers (``--server``) keeps the others' rows;
- ``index.html``, one row per server and one column per area, each cell linking to that area of
  the server's page (in the manner of the Autobahn test suite's matrix);
- the table in README.md between ``<!-- matrix:start -->`` and ``<!-- matrix:end -->``.
Does not belong here: what a score is (scoring.py) or how one report looks (html.py, badge.py).
The registry is iterated, never a list of names: a server added to it appears in the matrix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.errors import EXIT_HARNESS_ERROR
from conformance.report import badge, formats, html, results, scoring
from conformance.servers import ServerSpec

MANIFEST = "index.json"
MANIFEST_SCHEMA = "conformance-matrix/1"
START, END = "<!-- matrix:start -->", "<!-- matrix:end -->"
PUBLISHED = ("html", "badge", "shields")  # rendered next to each server's results JSON

# A server's run: ok (a results document), not_installed, harness_error (the set-up failed:
# no result), error (pytest ended some other way, or took too long).
OK, NOT_INSTALLED, HARNESS_ERROR, ERROR = "ok", "not_installed", "harness_error", "error"


class MatrixError(ValueError):
    """The matrix cannot be written as asked; the message is one sentence."""


@dataclass
class Entry:
    """One server's row: how its run went and the files it owns in reports/."""

    name: str
    status: str
    interfaces: list[str]
    description: str = ""
    version: str | None = None
    message: str = ""  # the install hint, or what went wrong
    duration: float = 0.0
    files: dict[str, str] = field(default_factory=dict)  # json, html, badge, shields -> file name

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def slug(text: str) -> str:
    """A file-name-safe form: ``stdlib (Python 3.11.7)`` -> ``stdlib-python-3.11.7``."""
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.") or "unknown"


# --- running --------------------------------------------------------------------------------


def run_one(spec: ServerSpec, *, timeout: float) -> tuple[Entry, dict[str, Any] | None]:
    """Check one server in a pytest subprocess, as its users would; never raises for the server's sake."""
    entry = Entry(spec.name, ERROR, sorted(spec.interfaces), spec.description)
    if not spec.is_installed():
        entry.status, entry.message = NOT_INSTALLED, spec.install_hint
        return entry, None
    entry.version = spec.version()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"conformance-matrix-{spec.name}-") as folder:
        path = Path(folder) / "results.json"
        command = [sys.executable, "-m", "pytest", f"--server={spec.name}", f"--report-json={path}",
                   "-q", "-p", "no:cacheprovider"]
        try:
            completed = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=timeout,
                                       stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            entry.message = f"the run did not finish within {timeout:g} s"
            entry.duration = round(time.monotonic() - started, 1)
            return entry, None
        entry.duration = round(time.monotonic() - started, 1)
        document = _read(path)
    output = (completed.stdout + completed.stderr).strip()
    harness_error = ((document or {}).get("harness") or {}).get("error")
    if completed.returncode == EXIT_HARNESS_ERROR or harness_error:
        entry.status = HARNESS_ERROR
        entry.message = (harness_error or _tail(output)).splitlines()[0]
        return entry, document
    if document is None or completed.returncode not in (0, 1):
        entry.message = f"pytest exited with code {completed.returncode}: {_tail(output)}"
        return entry, None
    entry.status = OK
    entry.version = document["server"].get("version") or entry.version
    return entry, document


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return results.load(path)
    except results.ResultsError:
        return None


def _tail(output: str, lines: int = 3) -> str:
    return " / ".join(output.splitlines()[-lines:]) or "no output"


def run_all(specs: Iterable[ServerSpec], *, jobs: int, timeout: float,
            progress: Callable[[Entry], None] = lambda entry: None) -> list[tuple[Entry, dict[str, Any] | None]]:
    """Every server's run, ``jobs`` at a time, in the registry's order."""
    def one(spec: ServerSpec) -> tuple[Entry, dict[str, Any] | None]:
        outcome = run_one(spec, timeout=timeout)
        progress(outcome[0])
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, specs))


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- writing reports/ -----------------------------------------------------------------------


def read_manifest(out: Path) -> dict[str, Entry]:
    path = out / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {e["name"]: Entry.from_dict(e) for e in data["servers"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MatrixError(f"{path} is not a matrix manifest ({error}); move it away to start afresh") from None


def write(out: Path, outcomes: list[tuple[Entry, dict[str, Any] | None]], *, keep_others: bool) -> list[Entry]:
    """Write each server's files, drop the files its previous row owned, then the manifest and
    index.html. With ``keep_others``, rows of servers not run this time stay as they were."""
    out.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out)
    rows = dict(previous) if keep_others else {}
    for entry, document in outcomes:
        if document is not None:
            document = results.published(document)
            stem = f"{entry.name}-{slug(entry.version or 'unknown')}"
            json_path = out / f"{stem}.json"
            results.write(document, json_path)
            entry.files = {"json": json_path.name}
            for name in PUBLISHED:
                fmt = formats.BY_NAME[name]
                target = formats.next_to(json_path, fmt)
                formats.write(document, {name: target})
                entry.files[name] = target.name
        old = previous.get(entry.name)
        for stale in set(old.files.values() if old else ()) - set(entry.files.values()):
            (out / stale).unlink(missing_ok=True)
        rows[entry.name] = entry
    for name in set(previous) - set(rows):  # a server that left the registry takes its files along
        for stale in previous[name].files.values():
            (out / stale).unlink(missing_ok=True)
    ordered = sorted(rows.values(), key=lambda e: e.name)
    manifest = {"schema": MANIFEST_SCHEMA, "suite_version": __version__,
                "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "servers": [asdict(e) for e in ordered]}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    documents = {e.name: results.load(out / e.files["json"]) for e in ordered if "json" in e.files}
    (out / "index.html").write_text(index_html(ordered, documents, manifest["date"]), encoding="utf-8")
    return ordered


# --- index.html -----------------------------------------------------------------------------


def index_html(entries: list[Entry], documents: Mapping[str, dict[str, Any]], date: str) -> str:
    areas = sorted({row["area"] for doc in documents.values() for row in doc["requirements"]})
    head = "".join(f'<th scope="col" class="area">{escape(a)}</th>' for a in areas)
    body = "".join(_index_row(e, documents.get(e.name), areas) for e in entries)
    ran = sum(e.status == OK for e in entries)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>WSGI / ASGI server conformance matrix</title><style>{INDEX_CSS}</style></head><body>
<h1>WSGI / ASGI server conformance</h1>
<p id="about">{ran} of {len(entries)} servers checked by python-server-conformance {escape(__version__)} on
{escape(date)}. A cell shows the requirements passed out of those scored in that area (MUST; SHOULD below
it); not applicable and informational requirements are not scored. Each cell opens that area of the
server's report.</p>
<table id="matrix"><thead><tr><th scope="col">server</th><th scope="col">version</th>
<th scope="col">interfaces</th><th scope="col">score</th>{head}</tr></thead>
<tbody>{body}</tbody></table>
<p class="legend"><span class="good">all passed</span> <span class="warn">a SHOULD failed</span>
<span class="bad">a MUST failed</span> <span class="none">nothing scored or not served</span></p>
</body></html>
"""


def _index_row(entry: Entry, document: Mapping[str, Any] | None, areas: list[str]) -> str:
    page = entry.files.get("html")
    name = f'<a href="{escape(page)}">{escape(entry.name)}</a>' if page else escape(entry.name)
    start = (f'<tr data-server="{escape(entry.name)}" data-status="{entry.status}">'
             f'<th scope="row" title="{escape(entry.description)}">{name}</th>'
             f"<td>{escape(entry.version or '-')}</td><td>{escape(', '.join(entry.interfaces))}</td>")
    if entry.status != OK or document is None:
        what = {NOT_INSTALLED: "not installed", HARNESS_ERROR: "harness error", ERROR: "no result"}[entry.status]
        return (f'{start}<td class="none">{what}</td><td class="status" colspan="{max(1, len(areas))}">'
                f"{escape(entry.message)}</td></tr>")
    svg = entry.files.get("badge")
    label, message, _ = badge.parts(dict(document))
    score = (f'<img src="{escape(svg)}" alt="{escape(label)}: {escape(message)}">' if svg else escape(message))
    cells = []
    by_area = scoring.by_area(document["requirements"])
    for area in areas:
        levels = by_area.get(area)
        if levels is None:
            cells.append(f'<td class="none" data-area="{escape(area)}">-</td>')
            continue
        must, should = levels["MUST"], levels["SHOULD"]
        tone = "bad" if must.failed else "warn" if should.failed else "good" if must.scored or should.scored else "none"
        parts = ([f'<span class="must">{must.fraction()}</span>'] if must.scored else []) + (
            [f'<small class="should">SHOULD {should.fraction()}</small>'] if should.scored else [])
        text = "".join(parts) or ("not applicable" if any(t.not_applicable for t in levels.values())
                                  else "informational")
        link = f"{page}{html.area_link(area)}"
        cells.append(
            f'<td class="{tone}" data-area="{escape(area)}" data-must="{must.passed}/{must.scored}" '
            f'data-should="{should.passed}/{should.scored}"><a href="{escape(link)}">{text}</a></td>'
        )
    return f'{start}<td class="score">{score}</td>{"".join(cells)}</tr>'


INDEX_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:1.5rem;color:#1b1b1b}
h1{font-size:1.6rem;margin:0 0 .4rem}#about{max-width:60rem;color:#444}
table{border-collapse:collapse;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:center;vertical-align:middle}
thead th{background:#f3f3f3;font-size:.85rem}th[scope=row]{text-align:left;white-space:nowrap}
td a{display:block;color:inherit;text-decoration:none}td a:hover{text-decoration:underline}
td .must{display:block;font-weight:600}td .should{display:block;color:#555;white-space:nowrap}
.good{background:#dff0d8}.warn{background:#fcf3cf}.bad{background:#f8d7da}.none{background:#f4f4f4;color:#777}
td.status{text-align:left;color:#555;font-size:.9rem}td.score img{display:block;margin:auto}
.legend span{display:inline-block;padding:.1rem .5rem;margin-right:.4rem;border:1px solid #ccc}
"""


# --- the README table -----------------------------------------------------------------------


def readme_table(entries: list[Entry], documents: Mapping[str, dict[str, Any]], out_dir: str) -> str:
    """The Markdown table for README.md: one row per server, links relative to the README."""
    lines = ["| server | version | interfaces | MUST | SHOULD | not applicable | informational | report |",
             "|---|---|---|---|---|---|---|---|"]
    for entry in entries:
        document = documents.get(entry.name)
        head = f"| `{entry.name}` | {entry.version or '-'} | {', '.join(entry.interfaces)} |"
        if entry.status != OK or document is None:
            what = {NOT_INSTALLED: "not installed", HARNESS_ERROR: "harness error", ERROR: "no result"}[entry.status]
            message = entry.message.replace("|", "\\|")
            lines.append(f"{head} {what} | | | | {message} |")
            continue
        levels = scoring.by_level(document["requirements"])
        total = scoring.tally(document["requirements"])
        cells = [_readme_cell(levels[level]) for level in scoring.SCORED_LEVELS]
        links = f"[page]({out_dir}/{entry.files['html']}) · [JSON]({out_dir}/{entry.files['json']})"
        lines.append(f"{head} {' | '.join(cells)} | {total.not_applicable} | {total.informational} | {links} |")
    return "\n".join(lines)


def _readme_cell(tally: scoring.Tally) -> str:
    if not tally.scored:
        return "-"
    return f"{'✅' if tally.failed == 0 else '❌'} {tally.score()} ({tally.fraction()})"


# The markers count only on lines of their own, so a README may mention them in its text.
_TABLE_BLOCK = re.compile(rf"^{re.escape(START)}[ \t]*$.*?^{re.escape(END)}[ \t]*$", re.MULTILINE | re.DOTALL)


def check_readme(readme: Path) -> str:
    """The README's text, refusing (one sentence) one that cannot hold the table."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as error:
        raise MatrixError(f"cannot read {readme}: {error.strerror or error}") from None
    if not _TABLE_BLOCK.search(text):
        raise MatrixError(f"{readme} has no {START} ... {END} markers (each on a line of its own) "
                          "to put the table between")
    return text


def update_readme(readme: Path, table: str, note: str) -> None:
    """Replace what is between the markers."""
    text = check_readme(readme)
    block = f"{START}\n{table}\n\n{note}\n{END}"
    readme.write_text(_TABLE_BLOCK.sub(lambda _: block, text, count=1), encoding="utf-8")
