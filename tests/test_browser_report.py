"""The HTML report and the matrix page as a person sees them: opened in headless Chromium (Debian's
``chromium``, which scripts/setup-dev.sh installs), the numbers on screen compared with the results JSON, the
filters driven, and a screenshot of each kept under artifacts/ (git-ignored).

The report checked is that of a real run: wsgiref serving a probe app with REQUEST_METHOD broken
(the same app as the gate's tests), so it has real failures, with what was sent, expected and got.
Chromium is driven with its plain command line: --dump-dom gives the page after its script ran.
A filter set by hand is a select changed inside an iframe of a test page, whose script writes what
the report then shows into its own DOM.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from conformance.cli import main
from conformance.report import matrix
from conformance.report.matrix import Entry
from tests.report_samples import sample_document
from tests.suite_runner import REPO, run_suite
from tests.test_gate import BROKEN_APP

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "artifacts"
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; scripts/setup-dev.sh installs it)"
)


# --- the browser ----------------------------------------------------------------------------


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--allow-file-access-from-files", *args]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed


def dom(tmp_path: Path, url: str) -> Node:
    """The page as the browser has it once its script ran."""
    return Node.parse(chromium(tmp_path, "--dump-dom", url).stdout)


def screenshot(tmp_path: Path, url: str, name: str, size: str = "1280,1400") -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    chromium(tmp_path, f"--window-size={size}", f"--screenshot={path}", url)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    print(f"screenshot: {path}")
    return path


class Node:
    """An element of the dumped DOM: enough of a tree to find elements and read their text."""

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, []  # children: Nodes and strings
        self.children: list[Node | str]

    @classmethod
    def parse(cls, page: str) -> Node:
        builder = _Builder()
        builder.feed(page)
        return builder.root

    def text(self) -> str:
        return " ".join("".join(c if isinstance(c, str) else c.text() for c in self.children).split())

    def all(self, tag: str | None = None, **attrs: str) -> Iterator[Node]:
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(
                    child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()
                ):
                    yield child
                yield from child.all(tag, **attrs)

    def one(self, tag: str | None = None, **attrs: str) -> Node:
        found = list(self.all(tag, **attrs))
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}> elements"
        return found[0]


class _Builder(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "stop", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


# --- a real report --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The results of wsgiref serving the broken app, and its HTML page rendered by `conformance report`."""
    folder = tmp_path_factory.mktemp("broken-wsgiref")
    (folder / "apps").mkdir()
    (folder / "apps" / "broken_method.py").write_text(BROKEN_APP)
    command = "{python} -m conformance.servers.scripts.wsgiref_serve {host} {port} broken_method:app"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(folder / "apps"), os.environ.get("PYTHONPATH")])))
        run = run_suite([f"--server-cmd={command}", "--interface=wsgi"], folder, timeout=120)
    assert run.results is not None, run.output[-3000:]
    assert any(r["verdict"] == "fail" for r in run.results["requirements"]), "the broken app failed nothing"
    page = folder / "report.html"
    assert main(["report", str(folder / "results.json"), "--html", str(page)]) == 0
    return run.results, page


def url(path: Path, fragment: str = "") -> str:
    return path.resolve().as_uri() + (f"#{fragment}" if fragment else "")


def percent(passed: int, failed: int) -> str:
    """Worked out here, not by the suite's scoring module: passed out of passed + failed, rounded down."""
    return f"{passed * 100 // (passed + failed)}%" if passed + failed else "-"


def test_the_numbers_on_the_page_are_those_of_the_json(report: tuple[dict[str, Any], Path], tmp_path: Path) -> None:
    results, page = report
    shown = dom(tmp_path, url(page))
    for level, counts in results["by_level"].items():
        row = shown.one("tr", data_level=level)
        for verdict, count in counts.items():
            assert row.one("td", data_count=verdict).text() == str(count), (level, verdict)
        assert row.one("td", data_score=level).text() == percent(counts["pass"], counts["fail"])
    rows = results["requirements"]
    for area in {r["area"] for r in rows}:
        cells = shown.one("tr", data_area=area)
        for level in ("MUST", "SHOULD"):
            scored = [r for r in rows if r["area"] == area and r["level"] == level and r["verdict"] in ("pass", "fail")]
            passed = sum(r["verdict"] == "pass" for r in scored)
            expected = f"{passed}/{len(scored)} ({percent(passed, len(scored) - passed)})" if scored else "-"
            assert cells.one("td", data_level=level).text() == expected, (area, level)
    counts = results["summary"]
    assert shown.one("p", id="totals").text().startswith(
        f"{len(rows)} requirements: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['not_applicable']} not applicable, {counts['informational']} informational."
    )
    assert shown.one("output", id="shown-count").text() == f"{len(rows)} of {len(rows)} requirements shown"
    must = results["by_level"]["MUST"]
    assert f"MUST {percent(must['pass'], must['fail'])}" in shown.one("span", id="headline-text").text()
    assert {d.attrs["id"]: d.attrs["data-verdict"] for d in shown.all("details")} == {
        r["id"]: r["verdict"] for r in rows
    }
    facts = {dd.attrs["data-fact"]: dd.text() for dd in shown.all("dd") if "data-fact" in dd.attrs}
    assert facts["server"] == "custom" and facts["suite version"].startswith(results["suite_version"])


def visible(shown: Node) -> list[str]:
    return [d.attrs["id"] or "" for d in shown.all("details") if "hidden" not in d.attrs]


def test_a_filter_in_the_address_shows_only_what_it_names(report: tuple[dict[str, Any], Path],
                                                          tmp_path: Path) -> None:
    results, page = report
    rows = results["requirements"]
    failed = [r["id"] for r in rows if r["verdict"] == "fail"]
    shown = dom(tmp_path, url(page, "verdict=fail"))
    assert visible(shown) == failed
    assert shown.one("output", id="shown-count").text() == f"{len(failed)} of {len(rows)} requirements shown"
    area = "WSGI input"
    wanted = [r["id"] for r in rows if r["area"] == area and r["level"] == "MUST"]
    assert wanted
    # Written as the matrix page links to an area: a space as "+".
    assert visible(dom(tmp_path, url(page, f"area={area.replace(' ', '+')}&level=MUST"))) == wanted


def test_a_failure_opens_to_the_quote_and_what_was_sent_expected_and_got(report: tuple[dict[str, Any], Path],
                                                                         tmp_path: Path) -> None:
    results, page = report
    row = next(r for r in results["requirements"] if r["verdict"] == "fail")
    shown = dom(tmp_path, url(page, f"verdict=fail&open={row['id']}"))
    details = shown.one("details", id=row["id"])
    assert "open" in details.attrs
    assert details.one("blockquote").text() == " ".join(row["quote"].split())
    failure = next(c["failure"] for c in row["checks"] if c["outcome"] == "failed")
    for field in ("sent", "expected", "got"):
        assert " ".join(failure[field].split()) in [pre.text() for pre in details.all("pre", data_field=field)]
    screenshot(tmp_path, url(page, f"verdict=fail&open={row['id']}"), "report-failures.png")


PROBE_PAGE = """<!DOCTYPE html><html><body><iframe id="report" src="{src}" width="1200" height="900"></iframe>
<pre id="seen">not loaded</pre><script>
document.getElementById('report').addEventListener('load', function () {{
  var page = this.contentDocument;
  var select = page.getElementById('{select}');
  select.value = '{value}';
  select.dispatchEvent(new Event('change'));
  var rows = Array.prototype.slice.call(page.querySelectorAll('#list .req'));
  document.getElementById('seen').textContent = JSON.stringify({{
    visible: rows.filter(function (r) {{ return !r.hidden; }}).map(function (r) {{ return r.id; }}),
    count: page.getElementById('shown-count').textContent,
    fragment: this.contentWindow.location.hash
  }});
}});
</script></body></html>"""


@pytest.mark.parametrize(("select", "value", "fragment"), [
    ("filter-verdict", "not_applicable", "#verdict=not_applicable"),
    ("filter-area", "WSGI environ", "#area=WSGI+environ"),
])
def test_choosing_a_filter_shows_only_those_requirements_and_puts_it_in_the_address(
    select: str, value: str, fragment: str, report: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    results, page = report
    probe = tmp_path / "probe.html"
    probe.write_text(PROBE_PAGE.format(src=url(page), select=select, value=value))
    seen = json.loads(dom(tmp_path, url(probe)).one("pre", id="seen").text())
    key = "verdict" if select == "filter-verdict" else "area"
    wanted = [r["id"] for r in results["requirements"] if r[key] == value]
    assert seen["visible"] == wanted
    assert seen["count"] == f"{len(wanted)} of {len(results['requirements'])} requirements shown"
    assert seen["fragment"] == fragment


# --- the matrix page ------------------------------------------------------------------------


def test_the_matrix_page_shows_each_servers_scores_per_area(report: tuple[dict[str, Any], Path],
                                                             tmp_path: Path) -> None:
    results, _ = report
    out = tmp_path / "reports"
    documents = {"broken-wsgiref": results, "sample": sample_document("sample", "1.0")}
    outcomes: list[tuple[Entry, dict[str, Any] | None]] = [
        (Entry(name, matrix.OK, doc["server"]["interfaces"], version=doc["server"]["version"] or "x"), doc)
        for name, doc in documents.items()
    ]
    outcomes.append((Entry("phantom", matrix.NOT_INSTALLED, ["asgi"], message="pip install phantom"), None))
    matrix.write(out, outcomes, keep_others=False)
    shown = dom(tmp_path, url(out / "index.html"))
    assert [tr.attrs["data-server"] for tr in shown.all("tr") if "data-server" in tr.attrs] == [
        "broken-wsgiref", "phantom", "sample"]
    for name, document in documents.items():
        row = shown.one("tr", data_server=name)
        for area in {r["area"] for r in document["requirements"]}:
            cell = row.one("td", data_area=area)
            for level in ("MUST", "SHOULD"):
                scored = [r for r in document["requirements"] if (r["area"], r["level"]) == (area, level)
                          and r["verdict"] in ("pass", "fail")]
                passed = sum(r["verdict"] == "pass" for r in scored)
                assert cell.attrs[f"data-{level.lower()}"] == f"{passed}/{len(scored)}"
                if scored:
                    assert f"{passed}/{len(scored)}" in cell.text()
            page, _, fragment = (cell.one("a").attrs["href"] or "").partition("#")
            assert (out / page).exists() and parse_qs(fragment) == {"area": [area]}
    assert "not installed" in shown.one("tr", data_server="phantom").text()
    screenshot(tmp_path, url(out / "index.html"), "matrix.png", size="1280,500")
