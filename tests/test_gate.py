"""The CI gate: the expectations file (--expect, --update-expectations), and harness errors kept
apart from conformance failures. The rules are unit-tested; the gate itself runs as users run
it, through pytest in a subprocess against wsgiref serving a probe app with REQUEST_METHOD broken
(WSGI-ENV-010 fails, WSGI-ENV-001 passes)."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance import catalogue, coverage
from conformance.errors import EXIT_HARNESS_ERROR
from conformance.report import expectations
from conformance.report.expectations import CheckResult, Expectation, ExpectationsError
from tests.suite_runner import CHECKS_DIR, SuiteRun, run_suite

RUN_TIMEOUT = 60
ENVIRON = CHECKS_DIR / "wsgi" / "test_environ.py"
METHOD_CHECK = "wsgi/test_environ.py::test_request_method_is_the_method_sent"  # WSGI-ENV-010, parametrised
DICT_CHECK = "wsgi/test_environ.py::test_environ_is_a_builtin_dict"  # WSGI-ENV-001
BROKEN_APP = """\
from probe_apps.wsgi_probe import app as probe


def app(environ, start_response):
    environ["REQUEST_METHOD"] = environ["REQUEST_METHOD"].lower()
    return probe(environ, start_response)
"""


def parse(text: str) -> dict[str, Expectation]:
    return expectations.parse(textwrap.dedent(text), "conformance.toml", catalogue.catalogue(),
                              coverage.requirements_by_check())


# --- the file -------------------------------------------------------------------------------


def test_a_file_names_requirements_and_checks_with_a_reason_and_an_issue() -> None:
    found = parse(f"""
        [WSGI-ENV-010]
        reason = "lowercases the method"
        issue = "https://example.test/issues/1"

        ["{METHOD_CHECK}[GET]"]
        reason = "only GET"
    """)
    assert found == {
        "WSGI-ENV-010": Expectation("WSGI-ENV-010", "lowercases the method", "https://example.test/issues/1"),
        f"{METHOD_CHECK}[GET]": Expectation(f"{METHOD_CHECK}[GET]", "only GET"),
    }


def a_may_requirement() -> str:
    return next(r.id for r in catalogue.catalogue().values() if r.level == "MAY")


@pytest.mark.parametrize(("text", "says"), [
    ("[WSGI-ENV-010\nreason = 'x'", "not valid TOML"),
    ("WSGI-ENV-010 = 'lowercases'", "each entry is a table"),
    ("[WSGI-ENV-010]\nissue = 'https://example.test'", "needs a reason"),
    ("[WSGI-ENV-010]\nreason = '  '", "needs a reason"),
    ("[WSGI-ENV-010]\nreason = 'x'\nticket = 'y'", "unknown field(s) ticket"),
    ("[WSGI-ENV-010]\nreason = 'x'\nissue = 12", "issue must be a string"),
    ("[WSGI-ENV-999]\nreason = 'x'", "'WSGI-ENV-999': not in the catalogue"),
    ("[env-ten]\nreason = 'x'", "neither a requirement ID nor a check"),
    ("['wsgi/test_environ.py::test_no_such_check']\nreason = 'x'", "no such check"),
    ("[MAY-ID]\nreason = 'x'", "a MAY requirement is reported, never failed"),
])
def test_a_malformed_file_or_an_unknown_id_is_one_sentence(text: str, says: str) -> None:
    with pytest.raises(ExpectationsError) as error:
        parse(text.replace("MAY-ID", a_may_requirement()))
    assert says in str(error.value)
    assert str(error.value).startswith("expectations file conformance.toml")
    assert "\n" not in str(error.value)


def test_a_missing_file_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(ExpectationsError, match="no such file"):
        expectations.load(tmp_path / "nope.toml", catalogue.catalogue(), [])


def test_the_written_file_reads_back_the_same() -> None:
    written = [
        Expectation("WSGI-ENV-010", 'says "lower" \\ and\nmore', "https://example.test/1"),
        Expectation(f"{METHOD_CHECK}[GET]", "ünïcode reason"),
        Expectation("WSGI-ENV-001", "plain"),
    ]
    text = expectations.dumps(written, "a header\nof two lines")
    assert text.startswith("# a header\n# of two lines\n")
    assert text.index("[WSGI-ENV-001]") < text.index("[WSGI-ENV-010]") < text.index(METHOD_CHECK)
    assert parse(text) == {e.key: e for e in written}


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "nodeid", "covered"), [
    ("WSGI-ENV-010", "anything.py::test_x", True),
    ("WSGI-ENV-001", "anything.py::test_x", False),
    (METHOD_CHECK, f"{METHOD_CHECK}[GET]", True),
    (METHOD_CHECK, f"conformance/checks/{METHOD_CHECK}[POST]", True),
    (f"{METHOD_CHECK}[GET]", f"../site-packages/conformance/checks/{METHOD_CHECK}[GET]", True),
    (f"{METHOD_CHECK}[GET]", f"{METHOD_CHECK}[POST]", False),
    (METHOD_CHECK, f"{METHOD_CHECK}_too[GET]", False),
])
def test_an_entry_covers_its_requirements_checks_or_its_check(key: str, nodeid: str, covered: bool) -> None:
    assert Expectation(key, "why").covers(nodeid, ["WSGI-ENV-010"]) is covered


def test_an_entry_holds_while_a_check_fails_is_stale_when_they_pass_and_not_run_when_none_ran() -> None:
    checks = [
        CheckResult(f"{METHOD_CHECK}[GET]", ("WSGI-ENV-010",), "failed"),
        CheckResult(f"{METHOD_CHECK}[POST]", ("WSGI-ENV-010",), "passed"),
        CheckResult(DICT_CHECK, ("WSGI-ENV-001",), "passed"),
        CheckResult("wsgi/test_keys.py::test_multiprocess", ("WSGI-KEY-007",), "skipped"),
    ]
    entries = [Expectation(key, "why") for key in
               ("WSGI-ENV-010", f"{METHOD_CHECK}[POST]", "WSGI-ENV-001", "WSGI-KEY-007", "WSGI-ENV-071")]
    assert expectations.judge(entries, checks) == {
        "WSGI-ENV-010": "holds", f"{METHOD_CHECK}[POST]": "stale", "WSGI-ENV-001": "stale",
        "WSGI-KEY-007": "not_run", "WSGI-ENV-071": "not_run",
    }


def test_an_update_keeps_what_holds_or_did_not_run_drops_what_is_stale_and_adds_new_failures() -> None:
    old = {key: Expectation(key, f"reason for {key}", "https://example.test/1") for key in
           ("WSGI-ENV-010", "WSGI-ENV-001", "WSGI-ENV-071")}
    checks = [
        CheckResult(f"{METHOD_CHECK}[GET]", ("WSGI-ENV-010",), "failed"),
        CheckResult(DICT_CHECK, ("WSGI-ENV-001",), "passed"),
        CheckResult("wsgi/test_environ.py::test_cgi", ("WSGI-ENV-095",), "failed"),
        CheckResult("asgi/test_x.py::test_may", ("MAY-ONLY",), "failed"),
    ]
    new = expectations.updated(old, checks, {"WSGI-ENV-095": "new reason"})
    assert new == [old["WSGI-ENV-010"], old["WSGI-ENV-071"], Expectation("WSGI-ENV-095", "new reason"),
                   Expectation("asgi/test_x.py::test_may", "fails")]


# --- the gate, run as users run it ----------------------------------------------------------


@pytest.fixture
def broken_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The options that check the broken app on wsgiref with the method and dict checks only."""
    apps = tmp_path / "apps"
    apps.mkdir()
    (apps / "broken_method.py").write_text(BROKEN_APP)
    monkeypatch.setenv("PYTHONPATH", str(apps))  # the server inherits it (run_suite adds the repo)
    command = "{python} -m conformance.servers.scripts.wsgiref_serve {host} {port} broken_method:app"
    return [f"--server-cmd={command}", "--interface=wsgi", "-rxX",
            f"{ENVIRON}::test_request_method_is_the_method_sent", f"{ENVIRON}::test_environ_is_a_builtin_dict"]


def gate_run(broken_server: list[str], tmp_path: Path, expect: str | None, *more: str) -> SuiteRun:
    args = [*broken_server, *more]
    if expect is not None:
        (tmp_path / "conformance.toml").write_text(textwrap.dedent(expect))
        args.append("--expect=conformance.toml")
    return run_suite(args, tmp_path, timeout=RUN_TIMEOUT)


def test_without_expectations_a_failure_fails_the_run(broken_server: list[str], tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, None)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "FAIL WSGI-ENV-010 MUST" in run.output


def test_an_expected_failure_is_xfail_and_does_not_fail_the_run(broken_server: list[str], tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, """
        [WSGI-ENV-010]
        reason = "lowercases the method"
        issue = "https://example.test/issues/1"
    """, "--junitxml=junit.xml")
    assert run.returncode == pytest.ExitCode.OK, run.output
    assert "XFAIL" in run.output and "expected (WSGI-ENV-010): lowercases the method" in run.output
    assert "expected failures (conformance.toml): 1 hold, 0 stale, 0 not run" in run.output
    # The results still count it as a failure of the server, marked expected.
    assert run.results is not None
    row = next(r for r in run.results["requirements"] if r["id"] == "WSGI-ENV-010")
    assert row["verdict"] == "fail"
    assert row["expectation"] == {"key": "WSGI-ENV-010", "reason": "lowercases the method",
                                  "issue": "https://example.test/issues/1", "state": "holds"}
    assert all(c["expected_failure"] and c["outcome"] == "failed" for c in row["checks"])
    assert run.results["expectations"]["unexpected"] == []
    # JUnit: every case names its requirements and level; an expected failure is pytest's xfail.
    cases = ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    for case in cases:
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        assert properties["level"] == "MUST"
        if case.get("name", "").startswith("test_request_method"):
            assert properties["requirements"] == "WSGI-ENV-010"
            assert case.find("skipped") is not None and case.find("skipped").get("type") == "pytest.xfail"
        else:
            assert properties["requirements"] == "WSGI-ENV-001"


def test_an_expectation_on_one_check_covers_only_that_check(broken_server: list[str], tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, f"""
        ["{METHOD_CHECK}[GET]"]
        reason = "only GET is known"
    """)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "XFAIL" in run.output and "[GET] - expected" in run.output
    assert "failing and not expected: WSGI-ENV-010" in run.output


def test_an_expected_failure_that_passes_fails_the_run_as_stale(broken_server: list[str], tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, """
        [WSGI-ENV-010]
        reason = "lowercases the method"

        [WSGI-ENV-001]
        reason = "was once a subclass"
    """)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "stale expectation: remove it: WSGI-ENV-001 passes now" in run.output
    assert run.results is not None and run.results["expectations"]["stale"] == ["WSGI-ENV-001"]


def test_update_expectations_writes_the_file_the_next_run_passes_with(broken_server: list[str],
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "conformance.toml"
    path.write_text('[WSGI-ENV-001]\nreason = "stale"\n\n[WSGI-ENV-010]\nreason = "kept"\nissue = "#12"\n')
    run = gate_run(broken_server, tmp_path, None, "--update-expectations=conformance.toml")
    assert "wrote conformance.toml: 1 expected failures (0 added, 1 stale removed)" in run.output, run.output
    assert expectations.parse(path.read_text(), "x", catalogue.catalogue(), []) == {
        "WSGI-ENV-010": Expectation("WSGI-ENV-010", "kept", "#12")
    }
    path.unlink()
    first = gate_run(broken_server, tmp_path, None, "--update-expectations=conformance.toml")
    assert first.returncode == pytest.ExitCode.TESTS_FAILED  # the new failure was not expected yet
    assert "[WSGI-ENV-010]" in path.read_text()
    again = gate_run(broken_server, tmp_path, None, "--expect=conformance.toml")
    assert again.returncode == pytest.ExitCode.OK, again.output


@pytest.mark.parametrize(("content", "says"), [
    ("[WSGI-ENV-010\n", "not valid TOML"),
    ("[WSGI-NOPE-001]\nreason = 'x'\n", "'WSGI-NOPE-001': not in the catalogue"),
])
def test_a_bad_expectations_file_stops_the_run_in_one_line(content: str, says: str, broken_server: list[str],
                                                           tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, content)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.output
    assert "Traceback" not in run.output
    [line] = [line for line in run.output.splitlines() if line.strip()]
    assert says in line


def test_expectations_work_across_xdist_workers(broken_server: list[str], tmp_path: Path) -> None:
    run = gate_run(broken_server, tmp_path, """
        [WSGI-ENV-010]
        reason = "lowercases the method"

        [WSGI-ENV-001]
        reason = "stale"
    """, "-n", "2")
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "6 xfailed" in run.output and "1 xpassed" in run.output
    assert "stale expectation: remove it: WSGI-ENV-001" in run.output


# --- harness errors: their own exit code, never a conformance result ----------------------------

SERVER_THAT_EXITS = "{python} -c 'import sys; print(\"bo\" + \"om\"); sys.exit(3)' {port}"


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_a_server_that_does_not_start_is_a_harness_error_with_its_own_exit_code(workers: list[str],
                                                                                  tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text('[WSGI-ENV-001]\nreason = "would be stale"\n')
    run = run_suite([f"--server-cmd={SERVER_THAT_EXITS}", "--interface=wsgi", "--expect=conformance.toml",
                     f"{ENVIRON}::test_environ_is_a_builtin_dict", f"{ENVIRON}::test_request_method_is_the_method_sent",
                     *workers], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == EXIT_HARNESS_ERROR, run.output
    assert "INTERNALERROR" not in run.output and "stale expectation" not in run.output
    assert "harness error" in run.output and "boom" in run.output
    assert run.results is not None
    assert "exited with code 3" in run.results["harness"]["error"]
    assert run.results["requirements"] == []  # nothing of a run cut short passes for a result
