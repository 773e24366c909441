"""Fixtures of the HTTP/1.1 parsing checks: each check runs once per interface the server
serves (its parser may differ between them), and reads the outcome of its case from one batch
per server instance, made the first time a check asks (batch.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from conformance.checks.http import cases as cases_module
from conformance.checks.http.batch import Outcome, send_all
from conformance.checks.http.cases import CASES, Case
from conformance.checks.http.judging import Parsing
from conformance.launcher import ServerProcess
from conformance.plugin.stash import run_key
from conformance.recorder import Recorder
from conformance.session import ConformanceRun

# The outcomes by server instance: the one the batch began on, and the fresh one it may have left
# in its place (a check that then gets the fresh one must not send the batch again).
BATCHES: dict[str, dict[str, Outcome]] = {}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "interface" in metafunc.fixturenames:
        served = sorted(metafunc.config.stash[run_key].spec.interfaces)
        metafunc.parametrize("interface", served, scope="session")


def cases_checked(session: pytest.Session) -> dict[str, Case]:
    """The cases the run's parsing checks judge (all of them in a full run; fewer under -k), with
    the cases they need: each check names its case in its body (``parsing.verify(cases.X)``)."""
    wanted: dict[str, Case] = {}
    for item in session.items:
        code = getattr(getattr(item, "function", None), "__code__", None)
        for name in code.co_names if code else ():
            found = getattr(cases_module, name, None)
            for case in (found, found.needs[0] if isinstance(found, Case) and found.needs else None):
                if isinstance(case, Case):
                    wanted[case.name] = case
    return wanted or dict(CASES)


def run_batch(conformance_run: ConformanceRun, interface: str, recorder: Recorder, wanted: dict[str, Case]) -> None:
    used = [conformance_run.server(interface)]

    def endpoint(fresh: bool) -> tuple[str, int]:
        """The shared instance; a fresh one in its place when a case left it stuck."""
        if fresh:
            conformance_run.discard(used[-1])
            used.append(conformance_run.server(interface))
        return used[-1].host, used[-1].port

    outcomes = send_all(endpoint, {name: c.build for name, c in wanted.items()}, recorder)
    BATCHES.update({instance.instance_id: outcomes for instance in used})


@pytest.fixture
def parsing(request: pytest.FixtureRequest, interface: str, recorder: Recorder, conformance_run: ConformanceRun,
            observe: Callable[[str], None]) -> Parsing:
    server: ServerProcess = request.getfixturevalue(f"{interface}_server")
    if server.instance_id not in BATCHES:
        # Every interface's batch at once (a server serving both waits once, not twice); each
        # shared instance is started here, in this thread, before its batch.
        interfaces = [i for i in sorted(conformance_run.spec.interfaces)
                      if conformance_run.server(i).instance_id not in BATCHES]
        wanted = cases_checked(request.session)
        threads = [threading.Thread(target=run_batch, args=(conformance_run, i, recorder, wanted))
                   for i in interfaces]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if server.instance_id not in BATCHES:
        raise AssertionError(f"the parsing batch did not run on the {interface} server (see its error above)")
    return Parsing(BATCHES[server.instance_id], observe)
