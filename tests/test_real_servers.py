"""Every check passes on a real server that gets it right: wsgiref for WSGI, uvicorn for ASGI.

Together with tests/test_mutants.py this shows each check can both pass and fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.suite_runner import collected_checks, run_suite


@pytest.mark.parametrize(("server", "interface"), [("wsgiref", "wsgi"), ("uvicorn", "asgi")])
def test_every_check_passes_on_a_conforming_server(server: str, interface: str, tmp_path: Path) -> None:
    run = run_suite([f"--server={server}"], tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    outcomes = run.outcomes()
    assert set(outcomes) == set(collected_checks(interface, tmp_path))
    not_passed = {check: outcome for check, outcome in outcomes.items() if outcome != "passed"}
    assert not not_passed, not_passed
    assert run.results and run.results["summary"]["fail"] == 0
