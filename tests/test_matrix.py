"""`conformance matrix`: reports/ (per-server files, manifest, index.html), the README table, and
one real run of wsgiref through it. The browser's view of index.html is in test_browser_report.py."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conformance import servers
from conformance.cli import main
from conformance.errors import EXIT_HARNESS_ERROR
from conformance.report import matrix
from conformance.report.matrix import Entry
from conformance.servers import ServerSpec
from tests.report_samples import check, requirement, sample_document
from tests.test_report import badge_texts, parsed

PHANTOM = ServerSpec(
    name="phantom",
    interfaces=frozenset({"asgi"}),
    command="phantom --port {port} {app}",
    module="phantom_server_that_is_not_installed",
    install_hint="pip install phantom-server",
)
README = """# A project

Text before, naming the `<!-- matrix:end -->` marker in passing.

<!-- matrix:start -->
an old table
<!-- matrix:end -->

Text after.
"""


def ok(name: str, version: str, document: dict[str, Any]) -> tuple[Entry, dict[str, Any]]:
    return Entry(name, matrix.OK, document["server"]["interfaces"], version=version), document


def wsgi_only(name: str, version: str) -> dict[str, Any]:
    rows = [requirement("WSGI-ENV-001", "MUST", "WSGI environ", "pass", [check("wsgi/t.py::test_a")]),
            requirement("WSGI-KEY-006", "SHOULD", "WSGI environ", "fail", [check("wsgi/t.py::test_b", "failed")])]
    document = sample_document(name, version, rows)
    document["server"]["interfaces"] = ["wsgi"]
    return document


def not_installed(name: str = "phantom") -> tuple[Entry, None]:
    return Entry(name, matrix.NOT_INSTALLED, ["asgi"], message="pip install phantom-server"), None


# --- reports/ -------------------------------------------------------------------------------


def test_each_server_gets_its_results_page_and_badge_named_by_version(tmp_path: Path) -> None:
    entries = matrix.write(tmp_path, [ok("alpha", "1.0", sample_document("alpha", "1.0")), not_installed()],
                           keep_others=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alpha-1.0.html", "alpha-1.0.json", "alpha-1.0.shields.json", "alpha-1.0.svg", "index.html", "index.json"]
    assert json.loads((tmp_path / "alpha-1.0.json").read_text())["server"]["name"] == "alpha"
    assert badge_texts((tmp_path / "alpha-1.0.svg").read_text())["message"] == "MUST 80% · SHOULD 50%"
    manifest = json.loads((tmp_path / "index.json").read_text())
    assert [(s["name"], s["status"]) for s in manifest["servers"]] == [("alpha", "ok"), ("phantom", "not_installed")]
    assert [e.name for e in entries] == ["alpha", "phantom"]


def test_published_reports_carry_no_ports_process_ids_or_temporary_folders(tmp_path: Path) -> None:
    document = sample_document("alpha", "1.0")
    document["harness"]["launches"] = [{"interface": "asgi", "pid": 4242, "port": 40001, "dedicated": False,
                                        "command": ["alpha", "--port", "40001", "--cert", "/tmp/pytest-7/tls0/c.pem"]}]
    document["requirements"][0]["detail"] = (
        "sent: GET / to port 40001 (127.0.0.1:40001, client 127.0.0.1:51234)"
        "; log /tmp/conformance-alpha-x1/alpha.log; read 400012 bytes in 1.40001 s")
    matrix.write(tmp_path, [ok("alpha", "1.0", document)], keep_others=False)
    published = json.loads((tmp_path / "alpha-1.0.json").read_text())
    assert published["harness"]["launches"] == [{"interface": "asgi", "port": "{port}", "dedicated": False,
                                                 "command": ["alpha", "--port", "{port}", "--cert", "{tmp}/c.pem"]}]
    assert published["requirements"][0]["detail"] == (
        "sent: GET / to port {port} (127.0.0.1:{port}, client 127.0.0.1:{port}); log {tmp}/alpha.log; "
        "read 400012 bytes in 1.40001 s")


def test_a_new_version_replaces_the_old_files_and_leaves_other_servers_alone(tmp_path: Path) -> None:
    matrix.write(tmp_path, [ok("alpha", "1.0", sample_document("alpha", "1.0")),
                            ok("beta", "2.0", wsgi_only("beta", "2.0"))], keep_others=False)
    matrix.write(tmp_path, [ok("alpha", "1.1", sample_document("alpha", "1.1"))], keep_others=True)
    names = {p.name for p in tmp_path.iterdir()}
    assert "alpha-1.1.json" in names and "alpha-1.0.json" not in names and "alpha-1.0.svg" not in names
    assert "beta-2.0.json" in names
    rows = [s["name"] for s in json.loads((tmp_path / "index.json").read_text())["servers"]]
    assert rows == ["alpha", "beta"]


def test_a_full_run_drops_servers_that_left_the_registry(tmp_path: Path) -> None:
    matrix.write(tmp_path, [ok("gone", "1.0", wsgi_only("gone", "1.0"))], keep_others=False)
    matrix.write(tmp_path, [not_installed()], keep_others=False)
    assert not any(p.name.startswith("gone") for p in tmp_path.iterdir())


def test_a_version_with_odd_characters_makes_a_plain_file_name() -> None:
    assert matrix.slug("stdlib (Python 3.11.7)") == "stdlib-python-3.11.7"
    assert matrix.slug("") == "unknown"


def test_a_broken_manifest_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("{not json")
    with pytest.raises(matrix.MatrixError, match="not a matrix manifest") as error:
        matrix.write(tmp_path, [not_installed()], keep_others=False)
    assert "\n" not in str(error.value)


# --- index.html -----------------------------------------------------------------------------


def test_the_index_has_a_row_per_server_and_a_column_per_area_linking_to_the_page(tmp_path: Path) -> None:
    matrix.write(tmp_path, [ok("alpha", "1.0", sample_document("alpha", "1.0")),
                            ok("beta", "2.0", wsgi_only("beta", "2.0")), not_installed()], keep_others=False)
    page = parsed((tmp_path / "index.html").read_text())
    rows = [attrs["data-server"] for tag, attrs in page.tags if tag == "tr" and "data-server" in attrs]
    assert rows == ["alpha", "beta", "phantom"]
    links = {attrs["href"] for tag, attrs in page.tags if tag == "a"}
    assert "alpha-1.0.html#area=WSGI+environ" in links and "beta-2.0.html#area=WSGI+environ" in links
    assert "alpha-1.0.html#area=ASGI+lifespan" in links
    assert not any(link.startswith("beta-2.0.html#area=ASGI") for link in links)  # beta serves no ASGI
    cells = {(attrs.get("data-area"), attrs.get("data-must"), attrs.get("class")) for tag, attrs in page.tags
             if tag == "td" and attrs.get("data-must")}
    assert ("WSGI environ", "2/3", "bad") in cells  # alpha: ENV-070 failed
    assert ("WSGI environ", "1/1", "warn") in cells  # beta: only a SHOULD failed
    text = " ".join(page.text)
    assert "not installed" in text and "pip install phantom-server" in text


# --- the README table -----------------------------------------------------------------------


def test_the_readme_table_goes_between_the_markers_and_nowhere_else(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(README)
    entries = matrix.write(tmp_path / "reports", [ok("alpha", "1.0", sample_document("alpha", "1.0")),
                                                  not_installed()], keep_others=False)
    table = matrix.readme_table(entries, {"alpha": sample_document("alpha", "1.0")}, "reports")
    matrix.update_readme(readme, table, "a note")
    text = readme.read_text()
    assert text.startswith("# A project\n\nText before, naming the `<!-- matrix:end -->` marker in passing.\n\n"
                           "<!-- matrix:start -->\n| server |")
    assert text.endswith("a note\n<!-- matrix:end -->\n\nText after.\n")
    assert "an old table" not in text
    assert ("| `alpha` | 1.0 | asgi, wsgi | ❌ 80% (4/5) | ❌ 50% (1/2) | 2 | 1 | "
            "[page](reports/alpha-1.0.html) · [JSON](reports/alpha-1.0.json) |") in text
    assert "| `phantom` | - | asgi | not installed | | | | pip install phantom-server |" in text
    matrix.update_readme(readme, table, "a note")
    assert readme.read_text() == text  # rewriting is idempotent


def test_a_readme_without_markers_is_one_sentence(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n")
    with pytest.raises(matrix.MatrixError, match="has no <!-- matrix:start --> ... <!-- matrix:end --> markers"):
        matrix.update_readme(readme, "table", "note")


# --- running --------------------------------------------------------------------------------


def test_servers_run_in_parallel_up_to_the_jobs_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    active, most = 0, 0
    lock = threading.Lock()

    def fake_run(spec: ServerSpec, *, timeout: float) -> tuple[Entry, None]:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.05)
        with lock:
            active -= 1
        return Entry(spec.name, matrix.OK, []), None

    monkeypatch.setattr(matrix, "run_one", fake_run)
    specs = [ServerSpec(name=f"s{i}", interfaces=frozenset({"wsgi"}), command="x {port}",
                        install_hint="nothing to install") for i in range(6)]
    outcomes = matrix.run_all(specs, jobs=3, timeout=10)
    assert [entry.name for entry, _ in outcomes] == [f"s{i}" for i in range(6)]  # the registry's order
    assert most == 3


def test_a_server_not_installed_is_listed_without_running() -> None:
    entry, document = matrix.run_one(PHANTOM, timeout=10)
    assert (entry.status, entry.message, document) == (matrix.NOT_INSTALLED, "pip install phantom-server", None)


@pytest.mark.parametrize(("code", "status"), [(EXIT_HARNESS_ERROR, matrix.HARNESS_ERROR), (3, matrix.ERROR)])
def test_a_run_without_a_result_is_a_harness_error_or_an_error(code: int, status: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_pytest(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, code, "", "harness error: the port was taken\n")

    monkeypatch.setattr(matrix.subprocess, "run", fake_pytest)
    wsgiref = servers.all_servers()["wsgiref"]
    entry, document = matrix.run_one(wsgiref, timeout=10)
    assert (entry.status, document) == (status, None)
    assert "the port was taken" in entry.message


def test_matrix_runs_the_registry_and_writes_reports_and_the_readme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    registry = {"wsgiref": servers.all_servers()["wsgiref"], "phantom": PHANTOM}
    monkeypatch.setattr(servers, "all_servers", lambda: registry)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text(README)
    assert main(["matrix", "--jobs", "2"]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "checking 1 installed servers of 2" in out
    assert "phantom: not installed (pip install phantom-server)" in out
    manifest = json.loads((tmp_path / "reports" / "index.json").read_text())
    wsgiref = next(s for s in manifest["servers"] if s["name"] == "wsgiref")
    assert wsgiref["status"] == "ok"
    results = json.loads((tmp_path / "reports" / wsgiref["files"]["json"]).read_text())
    assert results["server"]["name"] == "wsgiref" and results["requirements"]
    assert "| `wsgiref` | stdlib (Python" in (tmp_path / "README.md").read_text()
    assert (tmp_path / "reports" / "index.html").exists()


def test_matrix_leaves_a_readme_without_markers_alone_unless_it_was_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(servers, "all_servers", lambda: {"phantom": PHANTOM})
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# no markers\n")
    assert main(["matrix"]) == 0
    assert "the table is not written" in capsys.readouterr().out
    assert (tmp_path / "README.md").read_text() == "# no markers\n"
    assert main(["matrix", "--readme", "README.md"]) == 2
    assert "has no <!-- matrix:start -->" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "says"), [
    (["--server", "nosuch"], "unknown server(s) nosuch; known servers:"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--readme", "MISSING.md", "--server", "phantom"], "cannot read MISSING.md"),
])
def test_matrix_refuses_bad_arguments_in_one_line(args: list[str], says: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(servers, "all_servers", lambda: {"phantom": PHANTOM})
    monkeypatch.chdir(tmp_path)
    assert main(["matrix", *args]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1
