"""The HTML report: one self-contained page (inline CSS and JS, nothing fetched) a person reads.

Top to bottom: who was checked (server, version, configuration, suite version), the scores per
level and per area, then every requirement with its verdict; a requirement opens to its spec
sentence and, for a failure, what each check sent, expected and got. The filters (area, verdict,
level, smuggling risk) live in the URL's fragment (``report.html#verdict=fail&area=WSGI+environ``, plus
``open=ID`` to show one requirement opened), so a filtered view can be linked to; the matrix page
links to each area this way. A fragment without ``=`` names a requirement (``#WSGI-ENV-070``) and
opens it. Without JavaScript every requirement shows.

Everything here comes from the results document; nothing reads the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any
from urllib.parse import urlencode

from conformance.report import badge, scoring

VERDICT_LABELS = {"pass": "pass", "fail": "fail", "not_applicable": "not applicable", "informational": "informational",
                  "error": "no verdict"}


def area_link(area: str) -> str:
    """The fragment that opens the report filtered to one area."""
    return "#" + urlencode({"area": area})


def render(document: Mapping[str, Any]) -> str:
    rows = document["requirements"]
    server = document["server"]
    title = f"{server['name']} {server.get('version') or ''}".strip()
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="python-server-conformance {escape(str(document.get("suite_version")))}">',
        f"<title>{escape(title)}: conformance report</title>",
        f"<style>{CSS}</style></head><body>",
        _header(document),
        "<main>",
        _scores(document),
        _requirements(rows),
        "</main>",
        _footer(document),
        f"<script>{JS}</script>",
        "</body></html>",
        "",
    ])


# --- parts of the page ----------------------------------------------------------------------


def _header(document: Mapping[str, Any]) -> str:
    server = document["server"]
    levels = scoring.by_level(document["requirements"])
    summary = scoring.tally(document["requirements"])
    launches = [launch for launch in (document.get("harness") or {}).get("launches", [])
                if not launch.get("dedicated")]
    facts = [
        ("server", server["name"]),
        ("version", server.get("version") or "unknown"),
        ("interfaces", ", ".join(i.upper() for i in server.get("interfaces") or [])),
        ("configuration", server.get("command") or ""),
        *[(f"launched ({launch['interface'].upper()})", " ".join(launch.get("command") or []))
          for launch in launches],
        ("description", server.get("description") or ""),
        ("suite version", f"{document.get('suite_version', '?')} (results schema {document.get('schema', '?')})"),
        ("python", f"{document.get('python', '?')} on {document.get('platform', '?')}"),
        ("date", f"{document.get('date', '?')}, run took {document.get('duration', '?')} s"),
    ]
    expectations = document.get("expectations")
    if expectations:
        facts.append(("expectations", f"{expectations.get('file')}: {len(expectations.get('entries') or [])} "
                                      "expected failures"))
    facts_html = "".join(
        f'<dt>{escape(name)}</dt><dd data-fact="{escape(name)}">{escape(str(value))}</dd>'
        for name, value in facts if value
    )
    counts = ", ".join(f"{getattr(summary, field)} {VERDICT_LABELS[verdict]}" for verdict, field in
                       scoring.TALLY_FIELDS.items() if verdict != "error" or summary.errors)
    error = (document.get("harness") or {}).get("error")
    error_html = (f'<p class="harness-error" role="alert"><strong>Harness error</strong> (the run stopped; '
                  f"not a conformance result): {escape(error)}</p>") if error else ""
    missing = scoring.no_verdict_line(document["requirements"])
    if missing and not error:
        error_html = f'<p class="harness-error" role="alert">{escape(missing[0].upper() + missing[1:])}</p>'
    return (
        "<header>"
        f"<h1>{escape(server['name'])} <span class=\"version\">{escape(server.get('version') or '')}</span></h1>"
        f'<p class="headline"><span class="badge">{badge.render(dict(document))}</span> '
        f'<span id="headline-text">{escape(scoring.message(levels))}</span></p>'
        f'<p id="totals">{len(document["requirements"])} requirements: {escape(counts)}. Scores count '
        "requirements (not checks); not applicable and informational ones are not in the denominator.</p>"
        f"{error_html}<dl class=\"facts\">{facts_html}</dl></header>"
    )


def _scores(document: Mapping[str, Any]) -> str:
    rows = document["requirements"]
    levels = scoring.by_level(rows)
    level_rows = "".join(
        f'<tr data-level="{level}"><th scope="row">{level}</th>'
        f'<td data-count="pass">{tally.passed}</td><td data-count="fail">{tally.failed}</td>'
        f'<td data-count="not_applicable">{tally.not_applicable}</td>'
        f'<td data-count="informational">{tally.informational}</td>'
        f'<td data-count="error">{tally.errors}</td>'
        f'<td class="score {_tone(tally)}" data-score="{level}">{tally.score()}</td></tr>'
        for level, tally in levels.items()
    )
    area_rows = []
    for area, area_levels in scoring.by_area(rows).items():
        cells = "".join(
            f'<td class="{_tone(area_levels[level])}" data-level="{level}" data-passed="{area_levels[level].passed}" '
            f'data-scored="{area_levels[level].scored}">{_fraction(area_levels[level])}</td>'
            for level in scoring.SCORED_LEVELS
        )
        informational = sum(t.informational for t in area_levels.values())
        not_applicable = sum(t.not_applicable for t in area_levels.values())
        area_rows.append(
            f'<tr data-area="{escape(area)}">'
            f'<th scope="row"><a href="{escape(area_link(area))}">{escape(area)}</a></th>'
            f'{cells}<td data-count="informational">{informational}</td>'
            f'<td data-count="not_applicable">{not_applicable}</td></tr>'
        )
    failed = scoring.failed(rows)
    failed_html = (
        '<p id="failed-list">Failed: ' + ", ".join(
            f'<a href="#{escape(r["id"])}">{escape(r["id"])}</a> {escape(r["level"])}' for r in failed
        ) + "</p>"
    ) if failed else '<p id="failed-list">No requirement failed.</p>'
    return (
        '<section id="scores"><h2>Scores</h2>'
        '<table id="level-scores"><thead><tr><th>level</th><th>pass</th><th>fail</th><th>not applicable</th>'
        f"<th>informational</th><th>no verdict</th><th>score</th></tr></thead><tbody>{level_rows}</tbody></table>"
        '<table id="area-scores"><thead><tr><th>area</th><th>MUST</th><th>SHOULD</th>'
        "<th>MAY (informational)</th><th>not applicable</th></tr></thead>"
        f"<tbody>{''.join(area_rows)}</tbody></table>{failed_html}</section>"
    )


def _fraction(tally: scoring.Tally) -> str:
    return f"{tally.fraction()} ({tally.score()})" if tally.scored else "-"


def _tone(tally: scoring.Tally) -> str:
    if not tally.scored:
        return "none"
    return "good" if tally.failed == 0 else "bad"


def _requirements(rows: list[Mapping[str, Any]]) -> str:
    verdict_counts = scoring.tally(rows)
    verdict_options = "".join(
        f'<option value="{verdict}">{label} ({getattr(verdict_counts, field)})</option>'
        for (verdict, label), field in zip(VERDICT_LABELS.items(), scoring.TALLY_FIELDS.values(), strict=True)
        if verdict != "error" or verdict_counts.errors
    )
    area_options = "".join(f'<option value="{escape(a)}">{escape(a)}</option>' for a in scoring.areas(rows))
    level_options = "".join(f'<option value="{level}">{level}</option>' for level in ("MUST", "SHOULD", "MAY"))
    filters = (
        '<form id="filters" onsubmit="return false">'
        f'<label>Area <select id="filter-area"><option value="">all areas</option>{area_options}</select></label>'
        f'<label>Verdict <select id="filter-verdict"><option value="">all verdicts</option>{verdict_options}'
        "</select></label>"
        f'<label>Level <select id="filter-level"><option value="">all levels</option>{level_options}</select></label>'
        f'<label>Risk <select id="filter-risk"><option value="">any risk</option>'
        f'<option value="smuggling">smuggling risk ({scoring.smuggling(rows)[0]})</option></select></label>'
        f'<output id="shown-count">{len(rows)} of {len(rows)} requirements shown</output></form>'
    )
    items = "".join(_requirement(row) for row in rows)
    return f'<section id="requirements"><h2>Requirements</h2>{filters}<div id="list">{items}</div></section>'


def _requirement(row: Mapping[str, Any]) -> str:
    verdict = row["verdict"]
    expectation = row.get("expectation")
    body = [f'<p class="source">{escape(row.get("spec") or "")}, §{escape(row.get("section") or "")}</p>']
    if row.get("quote"):
        body.append(f'<blockquote class="quote">{escape(row["quote"])}</blockquote>')
    if row.get("note"):
        body.append(f'<p class="note"><strong>Note:</strong> {escape(row["note"])}</p>')
    if expectation:
        issue = expectation.get("issue") or ""
        link = f' (<a href="{escape(issue)}">{escape(issue)}</a>)' if issue.startswith(("https://", "http://")) else (
            f" ({escape(issue)})" if issue else "")
        body.append(f'<p class="expectation"><strong>Expected to fail</strong> ({escape(expectation.get("key", ""))}):'
                    f" {escape(expectation.get('reason', ''))}{link}</p>")
    if verdict == "not_applicable" and row.get("detail"):
        body.append(f'<p class="reason">{escape(row["detail"])}</p>')
    if row.get("observations"):
        body.append('<p>Observed:</p><ul class="observations">'
                    + "".join(f"<li>{escape(o)}</li>" for o in row["observations"]) + "</ul>")
    body.append('<ul class="checks">' + "".join(_check(c) for c in row.get("checks") or []) + "</ul>")
    expected_tag = ' <span class="tag">expected</span>' if expectation and verdict == "fail" else ""
    risk_tag = ' <span class="tag risk">smuggling risk</span>' if row.get("risk") == scoring.SMUGGLING else ""
    return (
        f'<details class="req v-{verdict}" id="{escape(row["id"])}" data-area="{escape(row["area"])}" '
        f'data-verdict="{verdict}" data-level="{escape(row["level"])}" data-risk="{escape(row.get("risk") or "")}">'
        f'<summary><span class="verdict">{VERDICT_LABELS.get(verdict, verdict)}</span>{expected_tag}{risk_tag} '
        f'<code class="rid">{escape(row["id"])}</code> <span class="level">{escape(row["level"])}</span> '
        f'<span class="area">{escape(row["area"])}</span> '
        f'<span class="summary">{escape(row.get("summary") or "")}</span></summary>'
        f'<div class="body">{"".join(body)}</div></details>'
    )


def _check(check: Mapping[str, Any]) -> str:
    outcome = check.get("outcome", "?")
    shown = "failed (expected)" if outcome == "failed" and check.get("expected_failure") else outcome
    duration = check.get("duration")
    head = (f'<span class="outcome">{escape(shown)}</span> <code>{escape(check.get("nodeid", ""))}</code>'
            + (f' <span class="duration">{duration * 1000:.0f} ms</span>' if isinstance(duration, (int, float))
               else ""))
    extra = ""
    failure = check.get("failure")
    if outcome == "failed" and failure:
        extra = '<dl class="failure">' + "".join(
            f'<dt>{name}</dt><dd><pre data-field="{name}">{escape(failure.get(name) or "")}</pre></dd>'
            for name in ("sent", "expected", "got")
        ) + "</dl>"
    elif check.get("detail"):
        extra = f'<pre class="detail">{escape(check["detail"])}</pre>'
    return f'<li class="check {escape(outcome)}">{head}{extra}</li>'


def _footer(document: Mapping[str, Any]) -> str:
    return (
        f"<footer>Made by python-server-conformance {escape(str(document.get('suite_version', '?')))} from the "
        f"results document ({escape(str(document.get('schema', '?')))}) of {escape(str(document.get('date', '?')))}."
        "</footer>"
    )


CSS = """
:root{--good:#2e7d32;--bad:#c62828;--na:#6b6b6b;--info:#1565c0;--line:#ddd;--soft:#f6f6f6}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1b1b1b}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.25rem}
h1{margin:.2rem 0;font-size:1.7rem}h1 .version{color:#555;font-weight:400}
h2{font-size:1.2rem;margin:1.6rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
.headline{font-size:1.15rem;margin:.4rem 0;display:flex;align-items:center;gap:.6rem}
.headline .badge svg{display:block}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.8rem 0;font-size:.9rem}
.facts dt{color:#555}.facts dd{margin:0;font-family:ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
.harness-error{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5rem .8rem}
table{border-collapse:collapse;margin:.4rem 1.5rem 1rem 0;display:inline-table;vertical-align:top}
th,td{border:1px solid var(--line);padding:.25rem .6rem;text-align:right}
th:first-child,thead th{text-align:left}thead th{background:var(--soft)}
td.good{color:var(--good);font-weight:600}td.bad{color:var(--bad);font-weight:600}td.none{color:var(--na)}
#filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0 .8rem;position:sticky;top:0;
 background:#fff;padding:.5rem 0;border-bottom:1px solid var(--line);z-index:1}
#filters select{font:inherit;padding:.15rem}
#shown-count{color:#555}
.req{border:1px solid var(--line);border-left-width:5px;border-radius:4px;margin:.3rem 0;background:#fff}
.req[hidden]{display:none}
.req.v-pass{border-left-color:var(--good)}.req.v-fail{border-left-color:var(--bad)}
.req.v-not_applicable{border-left-color:var(--na)}.req.v-informational{border-left-color:var(--info)}
.req.v-error{border-left-color:#e65100}
.req summary{cursor:pointer;padding:.35rem .6rem;display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}
.verdict{font-size:.75rem;font-weight:700;text-transform:uppercase;padding:.05rem .4rem;border-radius:3px;color:#fff;
 min-width:6.5rem;text-align:center}
.v-pass .verdict{background:var(--good)}.v-fail .verdict{background:var(--bad)}
.v-not_applicable .verdict{background:var(--na)}.v-informational .verdict{background:var(--info)}
.v-error .verdict{background:#e65100}
.tag{font-size:.75rem;border:1px solid var(--bad);color:var(--bad);border-radius:3px;padding:0 .3rem}
.tag.risk{border-style:dashed}
.rid{font-weight:600}.level{font-size:.8rem;color:#555}.area{font-size:.8rem;color:#555}
.req .body{padding:.2rem 1rem .8rem;border-top:1px solid var(--line);background:#fcfcfc}
.quote{margin:.5rem 0;padding:.4rem .8rem;border-left:3px solid #999;background:var(--soft);font-style:italic;
 white-space:pre-wrap}
.source{color:#555;font-size:.9rem;margin:.4rem 0}
.expectation{background:#fff8e1;padding:.3rem .6rem;border-radius:3px}
.checks{list-style:none;padding:0;margin:.4rem 0}.check{margin:.3rem 0}
.check .outcome{font-size:.8rem;font-weight:600;text-transform:uppercase}
.check.failed .outcome{color:var(--bad)}.check.passed .outcome{color:var(--good)}
.check.skipped .outcome{color:var(--na)}.duration{color:#777;font-size:.8rem}
.failure{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.3rem 0 .3rem 1rem}
.failure dt{font-weight:600;color:#555}.failure dd{margin:0}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",monospace;
 background:var(--soft);padding:.2rem .4rem;border-radius:3px}
footer{color:#777;font-size:.85rem;margin:2rem auto 1.5rem}
"""

JS = """
(function () {
  var area = document.getElementById('filter-area');
  var verdict = document.getElementById('filter-verdict');
  var level = document.getElementById('filter-level');
  var risk = document.getElementById('filter-risk');
  var shown = document.getElementById('shown-count');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#list .req'));
  function apply() {
    var n = 0;
    rows.forEach(function (row) {
      var ok = (!area.value || row.dataset.area === area.value) &&
               (!verdict.value || row.dataset.verdict === verdict.value) &&
               (!level.value || row.dataset.level === level.value) &&
               (!risk.value || row.dataset.risk === risk.value);
      row.hidden = !ok;
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + rows.length + ' requirements shown';
  }
  function fromFragment() {
    var fragment = location.hash.slice(1);
    if (fragment.indexOf('=') < 0) {
      var target = fragment && document.getElementById(decodeURIComponent(fragment));
      if (target && target.tagName === 'DETAILS') { target.hidden = false; target.open = true; }
      return;
    }
    var params = new URLSearchParams(fragment);
    area.value = params.get('area') || '';
    verdict.value = params.get('verdict') || '';
    level.value = params.get('level') || '';
    risk.value = params.get('risk') || '';
    apply();
    var opened = params.get('open') && document.getElementById(params.get('open'));
    if (opened && opened.tagName === 'DETAILS') { opened.open = true; }
  }
  function toFragment() {
    var params = new URLSearchParams();
    if (area.value) { params.set('area', area.value); }
    if (verdict.value) { params.set('verdict', verdict.value); }
    if (level.value) { params.set('level', level.value); }
    if (risk.value) { params.set('risk', risk.value); }
    var query = params.toString();
    history.replaceState(null, '', query ? '#' + query : location.pathname + location.search);
    apply();
  }
  [area, verdict, level, risk].forEach(function (select) { select.addEventListener('change', toFragment); });
  window.addEventListener('hashchange', fromFragment);
  apply();
  fromFragment();
})();
"""
