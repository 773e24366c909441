"""The `conformance` command: each subcommand through main(), and the console script once for real."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conformance import __version__, catalogue, coverage, servers
from conformance.catalogue import CatalogueError
from conformance.cli import main
from conformance.errors import BadServerCommand
from conformance.servers import ServerSpec

NOT_INSTALLED = ServerSpec(
    name="phantom",
    interfaces=frozenset({"asgi"}),
    command="phantom --port {port} {app}",
    distribution="phantom-server",
    module="phantom_server_that_is_not_installed",
    install_hint="pip install phantom-server",
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_is_the_suite_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.strip() == f"conformance {__version__}"


# --- servers --------------------------------------------------------------------------------


def test_servers_lists_wsgiref_as_installed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "servers")
    assert code == 0
    wsgiref_line = next(line for line in out.splitlines() if line.startswith("wsgiref "))
    assert wsgiref_line.split()[1:3] == ["wsgi", "installed"]


def test_servers_lists_every_registered_server(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "servers")
    names = {line.split()[0] for line in out.splitlines()[1:] if not line.startswith(" ")}
    assert names == set(servers.all_servers())


def test_a_server_not_installed_shows_its_install_hint(capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(servers, "all_servers", lambda: {"phantom": NOT_INSTALLED})
    code, out, _ = run(capsys, "servers")
    assert code == 0
    header, line, hint = out.splitlines()
    assert "not installed" in line
    assert hint.strip() == "install: pip install phantom-server"


def test_servers_json_parses_and_says_what_is_installed(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    registered = {**servers.all_servers(), "phantom": NOT_INSTALLED}
    monkeypatch.setattr(servers, "all_servers", lambda: registered)
    code, out, _ = run(capsys, "servers", "--json")
    assert code == 0
    by_name = {entry["name"]: entry for entry in json.loads(out)}
    assert by_name["wsgiref"]["installed"] is True
    assert by_name["wsgiref"]["interfaces"] == ["wsgi"]
    assert by_name["phantom"] == {
        "name": "phantom",
        "description": "",
        "interfaces": ["asgi"],
        "installed": False,
        "version": None,
        "capabilities": [],
        "command": "phantom --port {port} {app}",
        "install_hint": "pip install phantom-server",
    }


def test_a_broken_server_adapter_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, ServerSpec]:
        raise BadServerCommand("server 'x' declares unknown interfaces {'wsgx'}")

    monkeypatch.setattr(servers, "all_servers", broken)
    code, out, err = run(capsys, "servers")
    assert (code, out) == (2, "")
    assert err == "conformance: error: server 'x' declares unknown interfaces {'wsgx'}\n"


# --- requirements ---------------------------------------------------------------------------


def test_requirements_lists_every_id_with_its_checks(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "requirements")
    assert code == 0
    for requirement_id, requirement in catalogue.catalogue().items():
        assert f"{requirement_id}  " in out
        assert f"{requirement.spec} §{requirement.section}" in out
    for check in coverage.requirements_by_check():
        assert check in out


def test_requirements_for_one_interface_lists_only_its_ids(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "requirements", "--interface", "wsgi")
    listed = {line.split()[0] for line in out.splitlines()[1:] if not line.startswith(" ")}
    assert listed == {r.id for r in catalogue.catalogue().values() if r.interface == "wsgi"}


def test_requirements_json_parses_with_the_checks_of_each_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "requirements", "--json")
    assert code == 0
    entries = json.loads(out)
    assert [e["id"] for e in entries] == list(catalogue.catalogue())
    checks = coverage.checks_by_requirement()
    assert all(e["checks"] == checks.get(e["id"], []) for e in entries)


def test_coverage_reports_every_must_and_should_as_checked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "requirements", "--coverage")
    assert "Every MUST/SHOULD requirement has a check." in out, out
    assert code == 0


def test_coverage_lists_the_unchecked_ids_and_exits_1(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage, "checks_by_requirement", lambda: {})
    code, out, _ = run(capsys, "requirements", "--coverage", "--interface", "wsgi")
    assert code == 1
    wanted = [r for r in catalogue.catalogue().values() if r.interface == "wsgi" and r.level != "MAY"]
    for requirement in wanted:
        assert f"  {requirement.id} {requirement.level}: {requirement.summary}" in out


def test_coverage_json_parses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "requirements", "--coverage", "--json")
    document = json.loads(out)
    assert code == 0
    assert document["unchecked"] == []
    assert sum(line["requirements"] for line in document["coverage"]) == len(catalogue.catalogue())
    assert {line["interface"] for line in document["coverage"]} == {"wsgi", "asgi", "http"}


def test_a_catalogue_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict[str, catalogue.Requirement]:
        raise CatalogueError("wsgi_environ.toml: requirement WSGI-ENV-001 is defined twice")

    monkeypatch.setattr(catalogue, "catalogue", broken)
    code, out, err = run(capsys, "requirements")
    assert (code, out) == (2, "")
    assert err == "conformance: error: wsgi_environ.toml: requirement WSGI-ENV-001 is defined twice\n"


# --- usage errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bogus"], "invalid choice: 'bogus'"),
        ([], "the following arguments are required: COMMAND"),
        (["requirements", "--interface", "cgi"], "invalid choice: 'cgi'"),
        (["servers", "--verbose"], "unrecognized arguments: --verbose"),
    ],
)
def test_bad_arguments_get_argparse_usage_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                    argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("usage: conformance")
    assert message in err
    assert "Traceback" not in err


def test_the_console_script_runs() -> None:
    finished = subprocess.run([sys.executable, "-m", "conformance.cli", "servers"],
                              capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("NAME ")
    assert "wsgiref" in finished.stdout
