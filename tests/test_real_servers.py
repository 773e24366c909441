"""Every check passes on a real server that gets it right.

The reference configurations below conform to every current check; each check must pass (not be
skipped) on at least one of them, and fail on none. Together with tests/test_mutants.py this
shows each check can both pass and fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutants.wsgi_table import THREADED_WSGI, TWO_PROCESS_WSGI
from tests.suite_runner import SuiteRun, collected_checks, run_suite

PROBE_WSGI = "probe_apps.wsgi_probe:app"
REFERENCES = {
    "wsgi": [["--server=wsgiref"],
             [f"--server-cmd={THREADED_WSGI.replace('{app}', PROBE_WSGI)}", "--interface=wsgi"],
             [f"--server-cmd={TWO_PROCESS_WSGI.replace('{app}', PROBE_WSGI)}", "--interface=wsgi"]],
    "asgi": [["--server=uvicorn"]],
}


@pytest.mark.parametrize("interface", sorted(REFERENCES))
def test_every_check_passes_on_a_conforming_server(interface: str, tmp_path: Path) -> None:
    runs: list[SuiteRun] = []
    for index, args in enumerate(REFERENCES[interface]):
        folder = tmp_path / str(index)
        folder.mkdir()
        run = run_suite(args, folder)
        assert run.returncode == 0, f"{args}:\n{run.output[-4000:]}"
        runs.append(run)
    passed = {check for run in runs for check, outcome in run.outcomes().items() if outcome == "passed"}
    never_passed = sorted(set(collected_checks(interface, tmp_path)) - passed)
    assert not never_passed, f"checks that passed on no reference server: {never_passed}"
