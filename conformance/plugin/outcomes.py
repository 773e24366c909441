"""Outcomes: each check's phases gathered into one outcome, and what the run concludes from them.

Belongs here: the outcome collector, the results document (``--report-json``), the CI gate's
verdict and exit code (``--expect``, ``--update-expectations``; the rules are conformance/gate.py),
the exit code of a harness error, and the "conformance" section of the terminal summary.
Under xdist every worker collects its own checks' outcomes too, but only the controller, which
logs every worker's reports, judges the gate, writes the document and prints the summary.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from conformance import catalogue as catalogue_module
from conformance import gate
from conformance.errors import EXIT_HARNESS_ERROR
from conformance.plugin.failures import CHECK_ERROR, FAILURE
from conformance.plugin.stash import expected_key, gate_key, harness_error_key, outcomes_key, run_key, started_key
from conformance.report import results, terminal


def pytest_configure(config: pytest.Config) -> None:
    config.stash[outcomes_key] = {}
    config.stash[started_key] = time.monotonic()
    config.pluginmanager.register(OutcomeCollector(config), "conformance-outcomes")


class OutcomeCollector:
    """Gathers each check's phases into one outcome (a plugin object, so it knows its config)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "harness_error" in props:  # not a conformance result: the run stops (xdist)
            self.config.stash[harness_error_key] = props["harness_error"]
            return
        if "requirements" not in props:
            return
        outcomes = self.config.stash[outcomes_key]
        outcome = outcomes.setdefault(
            report.nodeid, results.CheckOutcome(report.nodeid, props["requirements"].split())
        )
        # An expected failure (xfail) is still a failure of the server: it counts in the scores.
        expected_failure = report.skipped and hasattr(report, "wasxfail")
        detail, failure = "", None
        if expected_failure or report.failed:
            detail, failure = str(report.longrepr), props.get(FAILURE)
        elif report.skipped and isinstance(report.longrepr, tuple):
            detail = str(report.longrepr[2]).removeprefix("Skipped: ")
        phase_outcome = "error" if CHECK_ERROR in props else "failed" if expected_failure else report.outcome
        outcome.absorb(report.when, phase_outcome, report.duration, detail, failure)
        outcome.expected_failure |= expected_failure
        if report.when == "call":
            outcome.observations.extend(v for k, v in report.user_properties if k == "observation")


def document(config: pytest.Config) -> dict[str, Any]:
    run = config.stash[run_key]
    spec = run.spec
    interfaces = set(spec.interfaces)
    outcomes = list(config.stash[outcomes_key].values())
    judged = config.stash.get(gate_key, None) or _gate(config)
    doc = results.build(
        catalogue_module.catalogue(),
        outcomes,
        server={
            "name": spec.name,
            "version": spec.version(),
            "interfaces": sorted(spec.interfaces),
            "command": spec.command,
            "description": spec.description,
        },
        interfaces=interfaces,
        duration=time.monotonic() - config.stash[started_key],
        expectations=gate.by_requirement(config.stash[expected_key], outcomes, judged["entries"]),
    )
    if config.getoption("expect") or config.getoption("update_expectations"):
        doc["expectations"] = judged
    doc["harness"] = {
        "launches": [
            {"interface": s.interface, "pid": s.process.pid if s.process else None, "port": s.port,
             "command": s.command, "dedicated": run.is_dedicated(s)}
            for s in run.launches
        ]
    }
    if harness_error_key in config.stash:
        doc["harness"]["error"] = config.stash[harness_error_key]
    return doc


def _gate(config: pytest.Config) -> dict[str, Any]:
    file = config.getoption("expect") or config.getoption("update_expectations")
    return gate.judge(config.stash[expected_key], list(config.stash[outcomes_key].values()), file)


def _update_expectations(config: pytest.Config, path: str, judged: dict[str, Any]) -> None:
    spec = config.stash[run_key].spec
    option = "--server-cmd=..." if spec.name == "custom" else f"--server={spec.name}"
    gate.rewrite(path, judged, config.stash[expected_key], list(config.stash[outcomes_key].values()),
                 catalogue_module.catalogue(), server=f"{spec.name} {spec.version() or ''}".strip(), option=option)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    # The servers' logs are named in failure messages: keep them when something went wrong.
    config.stash[run_key].keep_logs = exitstatus != 0
    if hasattr(config, "workerinput"):
        return
    harness_error = harness_error_key in config.stash
    check_errors = any(o.outcome == "error" for o in config.stash[outcomes_key].values())
    if harness_error:
        # Whatever pytest made of it (an Exit, or xdist's interruption), a set-up failure has its code.
        session.exitstatus = EXIT_HARNESS_ERROR
    elif config.stash[outcomes_key]:
        judged = config.stash[gate_key] = _gate(config)
        update = config.getoption("update_expectations")
        if update:
            _update_expectations(config, update, judged)
            if "update_error" in judged:
                session.exitstatus = pytest.ExitCode.USAGE_ERROR
        elif judged["stale"] and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if check_errors and not update:  # verdicts are missing: the suite's fault, never the server's
            session.exitstatus = EXIT_HARNESS_ERROR
    path = config.getoption("report_json")
    if path and (config.stash[outcomes_key] or harness_error):
        results.write(document(config), path)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    if not config.stash[outcomes_key] and harness_error_key not in config.stash:
        return
    terminalreporter.section("conformance")
    for line in terminal.lines(document(config)):
        terminalreporter.write_line(line, red=line.startswith(terminal.ALARMS), bold=line.startswith(terminal.ALARMS))
