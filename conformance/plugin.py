"""The pytest plugin: options, fixtures, the requirement marker, collection of the checks, verdicts.

``pytest --server=NAME`` (or ``--server-cmd=CMD --interface=wsgi|asgi``) collects the checks that
ship in ``conformance/checks`` wherever pytest runs from; without those options pytest runs
whatever it would run anyway (in this repository: the project's own tests).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from conformance import catalogue as catalogue_module
from conformance import gate
from conformance.catalogue import CatalogueError
from conformance.clients.raw import RawClient, WireError
from conformance.coverage import CHECKS_DIR, requirements_by_check
from conformance.errors import EXIT_HARNESS_ERROR, HarnessError
from conformance.launcher import ServerProcess
from conformance.recorder import Recorder, RecordTimeout
from conformance.report import results, terminal
from conformance.report.expectations import Expectation, ExpectationsError
from conformance.servers import ServerSpec, custom_server, lookup
from conformance.session import ConformanceRun
from conformance.verify import ConformanceFailure, shown

DEFAULT_SERVER = "wsgiref"
SERVER_FIXTURES = {"wsgi_server": "wsgi", "asgi_server": "asgi"}

run_key = pytest.StashKey[ConformanceRun]()
outcomes_key = pytest.StashKey[dict[str, results.CheckOutcome]]()
started_key = pytest.StashKey[float]()
servers_used_key = pytest.StashKey[list[ServerProcess]]()
expected_key = pytest.StashKey[dict[str, Expectation]]()
gate_key = pytest.StashKey[dict[str, Any]]()  # what the gate concluded, for the summary and the JSON
harness_error_key = pytest.StashKey[str]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "WSGI / ASGI server conformance")
    group.addoption("--server", metavar="NAME", help="run the conformance checks against this server "
                    "(see `conformance servers`); default when the checks are collected: wsgiref")
    group.addoption("--server-cmd", metavar="CMD", help="run the checks against any server: a launch "
                    "command with {port} and optionally {host}, {app} (the probe app as module:attribute) "
                    "and {python}")
    group.addoption("--interface", choices=("wsgi", "asgi"), help="with --server-cmd: which probe app "
                    "the command serves")
    group.addoption("--server-variant", metavar="NAME=CMD", action="append", default=[],
                    help="with --server-cmd: how to start the server another way, for the checks that need "
                    "it: tls=CMD (with {certfile} and {keyfile}), root_path=CMD (with {root_path}), workers=CMD "
                    "(with {workers}, a number of worker processes), ws_ping=CMD (WebSocket pings about every second); "
                    "repeatable")
    group.addoption("--server-timeout", type=float, metavar="SECONDS",
                    help="how long a server may take to answer its first request (default 20)")
    group.addoption("--report-json", metavar="PATH", help="write the results document (JSON) here")
    group.addoption("--expect", metavar="FILE", help="the CI gate: a TOML file of the failures this server "
                    "is known to have, each with a reason; they are reported as xfail and do not fail the "
                    "run, while a new failure does, and so does an expected failure that now passes")
    group.addoption("--update-expectations", metavar="FILE", help="write FILE from this run: the expected "
                    "failures that still fail (reasons kept) plus every new failure; read first if it exists")
    parser.addini("conformance_server_timeout", "default for --server-timeout", default="20")


def _selected_server(config: pytest.Config) -> ServerSpec | None:
    if config.getoption("server_cmd"):
        variants = dict(v.split("=", 1) for v in config.getoption("server_variant") if "=" in v)
        return custom_server(config.getoption("server_cmd"), config.getoption("interface"), variants)
    if config.getoption("interface"):
        raise HarnessError("--interface only goes with --server-cmd (a named server knows its interfaces)")
    if config.getoption("server"):
        return lookup(config.getoption("server"))
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(*ids): the catalogue requirements this conformance check verifies"
    )
    try:
        catalogue_module.catalogue()
        spec = _selected_server(config)
        config.stash[expected_key] = _expectations(config)
    except (HarnessError, CatalogueError, ExpectationsError) as error:
        raise pytest.UsageError(str(error)) from None
    if spec is not None and config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [str(CHECKS_DIR)]
    config.stash[run_key] = ConformanceRun(
        spec or lookup(DEFAULT_SERVER), ready_timeout=_ready_timeout(config)
    )
    config.stash[outcomes_key] = {}
    config.stash[started_key] = time.monotonic()
    config.pluginmanager.register(OutcomeCollector(config), "conformance-outcomes")


def _expectations(config: pytest.Config) -> dict[str, Expectation]:
    return gate.load(config.getoption("expect"), config.getoption("update_expectations"),
                     catalogue_module.catalogue(), requirements_by_check())


def _ready_timeout(config: pytest.Config) -> float:
    option = config.getoption("server_timeout")
    return float(option if option is not None else config.getini("conformance_server_timeout"))


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(run_key, None)
    if run is not None:
        run.close()


# --- collection -----------------------------------------------------------------------------


def _is_check(item: pytest.Item) -> bool:
    return bool(set(SERVER_FIXTURES) & set(getattr(item, "fixturenames", ()))) or Path(
        str(item.path)
    ).is_relative_to(CHECKS_DIR)


def requirement_ids(item: pytest.Item) -> list[str]:
    return [rid for marker in item.iter_markers("requirement") for rid in marker.args]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    known = catalogue_module.catalogue()
    problems = []
    for item in items:
        if not _is_check(item):
            continue
        ids = requirement_ids(item)
        if not ids:
            problems.append(f"{item.nodeid}: a conformance check needs @pytest.mark.requirement(ID, ...)")
        for rid in ids:
            if rid not in known:
                problems.append(f"{item.nodeid}: requirement {rid!r} is not in the catalogue")
        item.user_properties.append(("requirements", " ".join(ids)))
        for rid in ids:
            if rid in known:
                item.user_properties.append(("level", known[rid].level))
    if problems:
        raise pytest.UsageError("\n".join(problems))
    # Checks for an interface the server does not serve are not run at all; a check's interface
    # is that of the requirements it verifies.
    spec = config.stash[run_key].spec
    keep, drop = [], []
    for item in items:
        needed = {known[rid].interface for rid in requirement_ids(item)} if _is_check(item) else set()
        (keep if all(spec.serves(i) for i in needed) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    # The gate: an expected failure is pytest's xfail (non-strict), so -rx, junitxml and xdist
    # report it as such; an expectation that no longer fails is judged per entry at the end.
    expected = config.stash[expected_key]
    for item in items:
        if not expected or not _is_check(item):
            continue
        for expectation in expected.values():
            if expectation.covers(item.nodeid, requirement_ids(item)):
                item.add_marker(pytest.mark.xfail(reason=f"expected ({expectation.key}): {expectation.reason}"))
                break


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config) -> ConformanceRun:
    return pytestconfig.stash[run_key]


@pytest.fixture(scope="session")
def server_spec(conformance_run: ConformanceRun) -> ServerSpec:
    return conformance_run.spec


def _stop_for_harness_error(config: pytest.Config, error: HarnessError) -> NoReturn:
    """End the run with EXIT_HARNESS_ERROR: the set-up failed, which says nothing of the server's
    conformance. An xdist worker cannot pytest.exit (xdist takes that for a crash): it re-raises,
    and the report of the check that met the error stops the run (see pytest_runtest_makereport)."""
    config.stash[harness_error_key] = str(error)
    if hasattr(config, "workerinput"):
        raise error
    pytest.exit(f"harness error: {error}", returncode=EXIT_HARNESS_ERROR)


def _running_server(request: pytest.FixtureRequest, run: ConformanceRun, interface: str) -> ServerProcess:
    try:
        server = run.server(interface)
    except HarnessError as error:
        _stop_for_harness_error(request.config, error)
    request.node.stash.setdefault(servers_used_key, []).append(server)
    return server


@pytest.fixture
def wsgi_server(request: pytest.FixtureRequest, conformance_run: ConformanceRun) -> ServerProcess:
    """The running server, serving the WSGI probe app (probe_apps/wsgi_probe.py)."""
    return _running_server(request, conformance_run, "wsgi")


@pytest.fixture
def asgi_server(request: pytest.FixtureRequest, conformance_run: ConformanceRun) -> ServerProcess:
    """The running server, serving the ASGI probe app (probe_apps/asgi_probe.py)."""
    return _running_server(request, conformance_run, "asgi")


@pytest.fixture(scope="session")
def recorder(conformance_run: ConformanceRun) -> Recorder:
    return conformance_run.recorder


@pytest.fixture
def observe(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Report what the server did without judging it (a MAY, or a choice the spec leaves open)."""

    def note(text: str) -> None:
        request.node.user_properties.append(("observation", text))

    return note


@pytest.fixture(scope="session")
def dedicated_server(pytestconfig: pytest.Config, conformance_run: ConformanceRun) -> Callable[..., Any]:
    """Start a fresh instance of the server: ``with dedicated_server("asgi", env) as server:``.

    For checks that must stop a server or start it differently; the shared one stays untouched.
    ``wait_ready=False`` only launches it, for a check of a server that should refuse to start;
    ``variant`` starts it by one of the adapter's launch variants (``values`` fill its placeholders).
    """

    @contextlib.contextmanager
    def start(interface: str, env: dict[str, str] | None = None, *, wait_ready: bool = True,
              variant: str | None = None, values: dict[str, str] | None = None) -> Iterator[ServerProcess]:
        try:
            with conformance_run.dedicated(interface, env, wait_ready=wait_ready, variant=variant,
                                           values=values) as server:
                yield server
        except HarnessError as error:
            _stop_for_harness_error(pytestconfig, error)

    return start


# --- outcomes -------------------------------------------------------------------------------


def _headings(item: pytest.Item, only: str | None) -> str:
    known = catalogue_module.catalogue()
    ids = [only] if only else requirement_ids(item)
    return "\n".join(known[rid].heading() for rid in ids if rid in known)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, HarnessError):  # only under xdist: see _stop_for_harness_error
        report.outcome, report.longrepr = "failed", f"harness error: {error}"
        with contextlib.suppress(AttributeError):
            del report.wasxfail  # an expected failure is about the server, never the set-up
        # On the item too, so its teardown report is not taken for a conformance outcome either.
        for properties in (report.user_properties, item.user_properties):
            properties.append(("harness_error", str(error)))
        item.session.shouldstop = f"harness error: {error}"
        return report
    if call.when != "call" or not _is_check(item):
        return report
    if isinstance(error, ConformanceFailure):
        report.longrepr = f"{_headings(item, error.requirement)}\n{error.render()}"
    elif isinstance(error, (WireError, RecordTimeout)):
        sent = _last_sent(item)
        report.longrepr = f"{_headings(item, None)}\n{sent}got:      {error}"
    elif isinstance(error, httpx.HTTPError):
        try:
            sent = f"sent:     {error.request.method} {error.request.url}\n"
        except RuntimeError:
            sent = ""
        report.longrepr = f"{_headings(item, None)}\n{sent}got:      {type(error).__name__}: {error or 'no answer'}"
    run = item.config.stash[run_key]
    for server in item.stash.get(servers_used_key, []):
        if not server.alive():
            if not hasattr(report, "wasxfail"):  # an expected failure stays expected
                report.outcome = "failed"
            report.longrepr = f"{report.longrepr or _headings(item, None)}\nthe server died during this check " \
                              f"(exit code {server.process.returncode if server.process else '?'}); " \
                              f"the next check gets a fresh one\n{server.log_tail()}"
            run.discard(server)
        elif report.failed and not server.healthy():
            report.longrepr = f"{report.longrepr}\nthe server stopped answering; the next check gets a " \
                              f"fresh one\n{server.log_tail()}"
            run.discard(server)
    return report


def _last_sent(item: pytest.Item) -> str:
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, RawClient) and value.last_sent:
            return f"sent:     {shown(value.last_sent)}\n"
    return ""


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
        detail = ""
        if expected_failure or report.failed:
            detail = str(report.longrepr)
        elif report.skipped and isinstance(report.longrepr, tuple):
            detail = str(report.longrepr[2]).removeprefix("Skipped: ")
        outcome.absorb(report.when, "failed" if expected_failure else report.outcome, report.duration, detail)
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


# --- the gate (--expect, --update-expectations): conformance/gate.py ------------------------


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

