"""Scores and renderings of a results document: terminal, HTML, Markdown, badge, shields JSON, and
`conformance report`. The browser's view of the HTML is in test_browser_report.py."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conformance import catalogue
from conformance.cli import main
from conformance.report import badge, html, markdown, results, scoring, terminal
from tests.report_samples import EXPECTED, HOSTILE, ROWS, check, requirement, sample_document

SVG = "{http://www.w3.org/2000/svg}"


# --- scoring --------------------------------------------------------------------------------


def test_scores_count_requirements_not_checks() -> None:
    levels = scoring.by_level(ROWS)
    assert {level: (t.passed, t.failed, t.not_applicable, t.informational) for level, t in levels.items()} == {
        level: tuple(counts.values()) for level, counts in EXPECTED["by_level"].items()
    }
    assert sum(len(r["checks"]) for r in ROWS) > len(ROWS)  # the sample does have several checks per requirement


def test_not_applicable_and_informational_are_not_in_the_denominator() -> None:
    must = scoring.by_level(ROWS)["MUST"]
    assert (must.scored, must.percent) == (5, 80)
    assert scoring.by_level(ROWS)["MAY"].percent is None


@pytest.mark.parametrize(("passed", "failed", "percent"), [(199, 1, 99), (1, 2, 33), (3, 0, 100), (0, 4, 0)])
def test_a_percentage_is_rounded_down_so_100_means_nothing_failed(passed: int, failed: int, percent: int) -> None:
    assert scoring.Tally(passed=passed, failed=failed).percent == percent


@pytest.mark.parametrize(("must", "should", "colour"), [
    ((10, 0), (5, 0), "brightgreen"),
    ((10, 0), (0, 0), "brightgreen"),
    ((10, 0), (4, 1), "green"),
    ((19, 1), (5, 0), "yellow"),
    ((8, 2), (5, 0), "orange"),
    ((1, 1), (5, 0), "red"),
    ((0, 0), (0, 0), "lightgrey"),
])
def test_the_colour_follows_the_must_score_and_is_bright_green_only_when_nothing_failed(
    must: tuple[int, int], should: tuple[int, int], colour: str
) -> None:
    levels = {"MUST": scoring.Tally(*must), "SHOULD": scoring.Tally(*should), "MAY": scoring.Tally()}
    assert scoring.colour(levels) == colour


def test_the_label_names_the_interfaces_checked() -> None:
    document = sample_document()
    assert scoring.label(document) == "WSGI+ASGI"
    document["server"]["interfaces"] = ["asgi"]
    document["requirements"] = [r for r in document["requirements"] if r["interface"] == "asgi"]
    assert scoring.label(document) == "ASGI"


def test_areas_are_in_name_order() -> None:
    assert list(scoring.by_area(ROWS)) == ["ASGI HTTP scope", "ASGI lifespan", "WSGI environ", "WSGI input"]


# --- the results document -------------------------------------------------------------------


def _document_of(outcome: results.CheckOutcome) -> dict[str, Any]:
    known = catalogue.catalogue()
    (rid,) = outcome.requirement_ids
    return results.build(known, [outcome], server={"name": "s", "interfaces": [known[rid].interface]},
                         interfaces={known[rid].interface}, duration=0.1)


def test_rows_carry_the_spec_quote_so_renderers_need_no_catalogue() -> None:
    known = catalogue.catalogue()
    rid = next(iter(known))
    failure = {"headings": known[rid].heading(), "sent": "GET /", "expected": "200", "got": "500 "}
    outcome = results.CheckOutcome("x.py::test_x", [rid], outcome="failed", detail="as the terminal shows it",
                                   failure=failure)
    (row,) = _document_of(outcome)["requirements"]
    assert (row["quote"], row["note"], row["interface"]) == (known[rid].quote, known[rid].note, known[rid].interface)
    assert row["checks"][0]["failure"] == {"sent": "GET /", "expected": "200", "got": "500"}
    assert row["checks"][0]["detail"] == row["detail"] == "as the terminal shows it"


def test_what_became_of_the_server_follows_what_was_got() -> None:
    rid = next(iter(catalogue.catalogue()))
    failure = {"headings": "", "got": "no answer", "server": "the server died during this check\n  log line\n"}
    outcome = results.CheckOutcome("x.py::test_x", [rid], outcome="failed", failure=failure)
    (row,) = _document_of(outcome)["requirements"]
    assert row["checks"][0]["failure"] == {
        "sent": "", "expected": "", "got": "no answer\nthe server died during this check\n  log line"
    }


@pytest.mark.parametrize("failure", [None, {"headings": "X", "server": "the server died during this check"}])
def test_a_failure_that_is_not_sent_expected_got_keeps_only_its_detail(failure: dict[str, str] | None) -> None:
    rid = next(iter(catalogue.catalogue()))
    detail = "Traceback (most recent call last):\n  assert 1 == 2"
    outcome = results.CheckOutcome("x.py::test_x", [rid], outcome="failed", detail=detail, failure=failure)
    (row,) = _document_of(outcome)["requirements"]
    assert row["checks"][0]["failure"] is None and row["checks"][0]["detail"] == detail


@pytest.mark.parametrize(("content", "says"), [
    (None, "no such file"),
    ("{not json", "not JSON"),
    ('{"schema": "something-else/1"}', "not a results document of schema conformance-results/1"),
    ('[1, 2]', "not a results document"),
    ('{"schema": "conformance-results/1", "server": {}, "requirements": [{"id": "X"}]}', "lacks or has malformed"),
])
def test_a_file_that_is_not_a_results_document_is_one_sentence(content: str | None, says: str,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(results.ResultsError, match=says) as error:
        results.load(path)
    assert "\n" not in str(error.value)


# --- terminal -------------------------------------------------------------------------------


def test_the_terminal_summary_has_counts_per_area_and_level_and_the_failed_ids() -> None:
    text = "\n".join(terminal.lines(sample_document()))
    assert "MUST 80% · SHOULD 50%" in text
    assert re.search(r"WSGI environ\s+2/3 \(1 fail\)\s+1/2 \(1 fail\)\s+-\s+1", text)
    assert re.search(r"ASGI HTTP scope\s+1/1\s+-\s+1 info", text)
    assert re.search(r"all\s+4/5 \(1 fail\)\s+1/2 \(1 fail\)\s+1 info\s+2", text)
    failed = [line.split()[1] for line in text.splitlines() if line.startswith("FAIL ")]
    assert failed == ["WSGI-ENV-070", "WSGI-KEY-006"]


# --- HTML -----------------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of the whole page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> _Elements:
    elements = _Elements()
    elements.feed(page)
    return elements


def test_the_html_page_is_self_contained() -> None:
    page = parsed(html.render(sample_document()))
    fetched = [(tag, attrs) for tag, attrs in page.tags
               if tag in ("link", "img", "iframe", "object", "embed") or (tag == "script" and "src" in attrs)]
    assert fetched == []
    assert not re.search(r"url\((?!#)", html.CSS)  # no stylesheet fetches either (a url(#id) is inline)


def test_the_html_page_has_every_requirement_with_its_verdict_and_area() -> None:
    page = parsed(html.render(sample_document()))
    shown = {attrs["id"]: (attrs["data-verdict"], attrs["data-area"], attrs["data-level"])
             for tag, attrs in page.tags if tag == "details"}
    assert shown == {r["id"]: (r["verdict"], r["area"], r["level"]) for r in ROWS}


def test_the_html_page_escapes_what_servers_send() -> None:
    page = html.render(sample_document())
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert sum(tag == "script" for tag, _ in parsed(page).tags) == 1  # only the page's own


def test_the_html_page_shows_the_server_configuration_and_suite_version() -> None:
    page = parsed(html.render(sample_document()))
    text = " ".join(page.text)
    for fact in ("hypothetical", "1.2.3", "hypothetical --bind {host}:{port} {app}", "0.1.0", "conformance-results/1"):
        assert fact in text


def test_a_failure_opens_to_the_quote_and_what_was_sent_expected_and_got() -> None:
    page = html.render(sample_document())
    failure = page[page.index('id="WSGI-ENV-070"'):page.index('id="WSGI-ENV-071"')]
    assert "the spec&#x27;s sentence" not in failure  # this row has its own quote
    assert "SERVER_NAME and SERVER_PORT must never be empty." in failure
    for field, value in (("sent", "GET /environ HTTP/1.0"), ("expected", "SERVER_PORT a non-empty str"),
                         ("got", "SERVER_PORT 8000 (int)")):
        assert f'<pre data-field="{field}">{value}' in failure


def test_an_expected_failure_shows_its_reason_and_issue() -> None:
    rows = [requirement("WSGI-ENV-070", "MUST", "WSGI environ", "fail",
                        [check("t.py::test", "failed", got="no")],
                        expectation={"key": "WSGI-ENV-070", "reason": "port is an int",
                                     "issue": "https://example.test/issues/1"})]
    page = html.render(sample_document(rows=rows))
    assert "port is an int" in page and 'href="https://example.test/issues/1"' in page


# --- Markdown -------------------------------------------------------------------------------


def test_the_markdown_summary_has_the_scores_a_row_per_area_and_each_failure() -> None:
    text = markdown.render(sample_document())
    assert "**MUST 80%** (4/5) · **SHOULD 50%** (1/2) · 1 informational · 2 not applicable" in text
    assert "| WSGI environ | ❌ 2/3 | ❌ 1/2 | 0 | 1 |" in text
    assert "| ASGI lifespan | - | - | 0 | 1 |" in text
    assert "### Failed requirements (2)" in text
    assert "sent:     GET /environ HTTP/1.1\nexpected: SERVER_PORT a non-empty str\n" in text
    assert "<code>WSGI-KEY-006</code> SHOULD" in text


# --- badge ----------------------------------------------------------------------------------


def badge_texts(svg_text: str) -> dict[str, str]:
    root = ET.fromstring(svg_text)
    assert root.tag == f"{SVG}svg"
    return {element.get("class") or "": element.text or "" for element in root.iter(f"{SVG}text")}


def test_the_badge_is_svg_whose_text_is_the_scores() -> None:
    document = sample_document()
    svg_text = badge.render(document)
    assert badge_texts(svg_text) == {"label": EXPECTED["label"], "message": EXPECTED["message"]}
    fills = {rect.get("fill") for rect in ET.fromstring(svg_text).iter(f"{SVG}rect")}
    assert scoring.COLOURS[EXPECTED["colour"]] in fills
    description = ET.fromstring(svg_text).find(f"{SVG}desc")
    assert description is not None and "python-server-conformance 0.1.0" in (description.text or "")


def test_the_badge_is_wide_enough_for_its_text() -> None:
    short, long = badge.svg("ASGI", "MUST 100%", "green"), badge.svg("WSGI+ASGI", "MUST 100% · SHOULD 100%", "green")
    assert int(ET.fromstring(short).get("width") or 0) < int(ET.fromstring(long).get("width") or 0)


def test_the_shields_endpoint_says_what_the_badge_says() -> None:
    endpoint = json.loads(badge.shields_endpoint(sample_document()))
    assert endpoint == {"schemaVersion": 1, "label": EXPECTED["label"], "message": EXPECTED["message"],
                        "color": EXPECTED["colour"]}


# --- conformance report ---------------------------------------------------------------------


def write_sample(tmp_path: Path, document: dict[str, Any] | None = None) -> Path:
    path = tmp_path / "uvicorn.json"
    path.write_text(json.dumps(document or sample_document()))
    return path


def test_report_writes_every_format_next_to_the_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sample(tmp_path)
    assert main(["report", str(path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["uvicorn.html", "uvicorn.json", "uvicorn.md", "uvicorn.shields.json", "uvicorn.svg"]
    assert capsys.readouterr().out.count("wrote ") == 4


def test_report_writes_only_the_formats_asked_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sample(tmp_path)
    assert main(["report", str(path), "--badge", str(tmp_path / "out" / "b.svg"), "--markdown", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Conformance: hypothetical 1.2.3")
    assert badge_texts((tmp_path / "out" / "b.svg").read_text())["message"] == EXPECTED["message"]
    assert not (tmp_path / "uvicorn.html").exists()


@pytest.mark.parametrize("content", [None, "not json"])
def test_report_on_a_bad_file_is_one_line_and_exit_2(content: str | None, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: ") and err.count("\n") == 1


def test_report_that_cannot_write_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_sample(tmp_path)
    (tmp_path / "blocked").write_text("a file, not a folder")
    assert main(["report", str(path), "--html", str(tmp_path / "blocked" / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot write the html rendering" in err and err.count("\n") == 1


# --- smuggling risk ---------------------------------------------------------------------------

RISKY = [
    requirement("HTTP1-PARSE-006", "SHOULD", "HTTP/1.1 message parsing", "fail", [
        check("http/test_parsing.py::test_a_chunk_size_written_0x5_is_refused[asgi]", "failed",
              sent="the chunk-size line b'0x5'", expected="a 400 refusal", got="status 200 from the app")],
        risk="smuggling"),
    requirement("HTTP1-PARSE-019", "MUST", "HTTP/1.1 message parsing", "pass", [
        check("http/test_parsing.py::test_a_content_length_with_a_plus_sign_is_refused[asgi]")], risk="smuggling"),
    requirement("HTTP1-PARSE-042", "MUST", "HTTP/1.1 message parsing", "pass", [
        check("http/test_parsing.py::test_whitespace_before_a_colon_is_refused_with_400[asgi]")]),
]


def risky_document() -> dict[str, Any]:
    document = sample_document()
    document["requirements"] = RISKY
    return document


def test_the_smuggling_risk_failures_are_counted_apart() -> None:
    assert scoring.smuggling(RISKY) == (2, [RISKY[0]])
    assert scoring.smuggling_line(RISKY).startswith("smuggling risk: 1 of 2 requirements failed")
    assert scoring.smuggling_line(RISKY[1:]) == \
        "no smuggling risk found: none of the 1 smuggling-risk requirements failed"
    assert scoring.smuggling_line(ROWS) == ""  # a run that judged no such requirement says nothing of it


def test_the_terminal_and_markdown_name_the_smuggling_risk_failures() -> None:
    text = "\n".join(terminal.lines(risky_document()))
    assert "smuggling risk: 1 of 2 requirements failed" in text and "HTTP1-PARSE-006" in text
    assert "FAIL HTTP1-PARSE-006 SHOULD [smuggling risk]:" in text
    assert text.splitlines()[2].startswith(terminal.ALARMS)
    summary = markdown.render(risky_document())
    assert "**⚠ Smuggling risk: 1 of 2 requirements failed" in summary
    assert "<code>HTTP1-PARSE-006</code> SHOULD (smuggling risk):" in summary


def test_the_html_page_filters_by_smuggling_risk() -> None:
    page = html.render(risky_document())
    assert '<select id="filter-risk">' in page and "smuggling risk (2)" in page
    assert 'id="HTTP1-PARSE-006"' in page and 'data-risk="smuggling"' in page
    assert re.search(r'id="HTTP1-PARSE-042"[^>]*data-risk=""', page)


# --- a check's own error: no verdict ----------------------------------------------------------

WITHOUT_VERDICT = [
    requirement("WSGI-ENV-001", "MUST", "WSGI environ", "error", [
        check("wsgi/test_environ.py::test_the_environ_is_a_dict", "error")]),
    requirement("WSGI-ENV-002", "MUST", "WSGI environ", "pass", [
        check("wsgi/test_environ.py::test_the_environ_has_the_cgi_variables")]),
]


def test_a_requirement_without_a_verdict_is_named_in_every_rendering_and_never_scored() -> None:
    document = sample_document()
    document["requirements"] = WITHOUT_VERDICT
    assert scoring.tally(WITHOUT_VERDICT) == scoring.Tally(passed=1, errors=1)
    assert scoring.by_level(WITHOUT_VERDICT)["MUST"].score() == "100%"
    said = "harness error in a check: no verdict for WSGI-ENV-001"
    lines = terminal.lines(document)
    assert any(line.startswith(said) for line in lines) and said.startswith(terminal.ALARMS)
    assert f"**H{said[1:]}" in markdown.render(document)
    page = html.render(document)
    assert "1 no verdict" in page and 'class="harness-error" role="alert">H' + said[1:] in page
