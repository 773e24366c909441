"""Fixtures of the HTTP/1.1 parsing checks: each check runs once per interface the server
serves (its parser may differ between them), and reads the outcome of its case from one batch
per interface, made the first time a check asks (batch.py), on an instance of its own."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest

from conformance.checks.http import cases as cases_module
from conformance.checks.http.batch import Outcome, send_all
from conformance.checks.http.cases import CASES, Case
from conformance.checks.http.judging import Parsing, Waits
from conformance.errors import HarnessError
from conformance.plugin.fixtures import stop_for_harness_error
from conformance.plugin.stash import run_key
from conformance.recorder import Recorder
from conformance.session import ConformanceRun

# The outcomes by interface, made once per run.
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


def run_batch(conformance_run: ConformanceRun, interface: str, recorder: Recorder, wanted: dict[str, Case],
              errors: list[HarnessError]) -> None:
    """The batch on instances of its own (a case may leave a server stuck: the shared one, which
    the other areas' checks use, is never put at risk), and on a fresh one whenever one sticks.
    Each case a server may rightly sit waiting on (a Waits rule: it holds a worker for the whole
    deadline) gets an instance of its own, all at once: a server of one worker would otherwise
    keep the next such case queued for a deadline more."""
    waiting = [name for name, case in wanted.items() if isinstance(case.rule, Waits)]
    groups = [[name for name in wanted if name not in waiting], *([name] for name in waiting)]
    outcomes: dict[str, Outcome] = {}
    threads = [threading.Thread(target=run_group, args=(conformance_run, interface, recorder,
                                                       {name: wanted[name] for name in group}, errors, outcomes))
               for group in groups if group]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    BATCHES[interface] = outcomes


def run_group(conformance_run: ConformanceRun, interface: str, recorder: Recorder, group: dict[str, Case],
              errors: list[HarnessError], outcomes: dict[str, Outcome]) -> None:
    try:
        with contextlib.ExitStack() as stack:
            current = [stack.enter_context(conformance_run.dedicated(interface))]

            def endpoint(fresh: bool) -> tuple[str, int]:
                if fresh:
                    current[0].stop(grace=1.0)
                    current[0] = stack.enter_context(conformance_run.dedicated(interface))
                return current[0].host, current[0].port

            outcomes.update(send_all(endpoint, {name: c.build for name, c in group.items()}, recorder,
                                     lambda name, outcome: group[name].rule.judge(outcome).ok))
    except HarnessError as error:
        errors.append(error)


@pytest.fixture
def parsing(request: pytest.FixtureRequest, interface: str, recorder: Recorder, conformance_run: ConformanceRun,
            observe: Callable[[str], None]) -> Parsing:
    if interface not in BATCHES:
        # Every interface's batch at once: a server serving both waits once, not twice.
        wanted, errors = cases_checked(request.session), []
        threads = [threading.Thread(target=run_batch, args=(conformance_run, i, recorder, wanted, errors))
                   for i in sorted(conformance_run.spec.interfaces) if i not in BATCHES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            stop_for_harness_error(request.config, errors[0])
    return Parsing(BATCHES[interface], observe)
