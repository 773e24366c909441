"""Fixtures: what a check is given, each under the name of what it gives.

Belongs here: the run and its server spec, the shared running servers (one per interface), a
dedicated server for a check that must stop or restart one, the recorder, ``observe``. A set-up
that fails (a server that does not start) ends the run as a harness error, never as a check's
failure: it says nothing of the server's conformance.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, NoReturn

import pytest

from conformance.errors import EXIT_HARNESS_ERROR, HarnessError
from conformance.launcher import ServerProcess
from conformance.plugin.stash import harness_error_key, run_key, servers_used_key
from conformance.recorder import Recorder
from conformance.servers import ServerSpec
from conformance.session import ConformanceRun


@pytest.fixture(scope="session")
def conformance_run(pytestconfig: pytest.Config) -> ConformanceRun:
    return pytestconfig.stash[run_key]


@pytest.fixture(scope="session")
def server_spec(conformance_run: ConformanceRun) -> ServerSpec:
    return conformance_run.spec


def stop_for_harness_error(config: pytest.Config, error: HarnessError) -> NoReturn:
    """End the run with EXIT_HARNESS_ERROR: the set-up failed, which says nothing of the server's
    conformance. An xdist worker cannot pytest.exit (xdist takes that for a crash): it re-raises,
    and the report of the check that met the error stops the run (see conformance/plugin/failures.py)."""
    config.stash[harness_error_key] = str(error)
    if hasattr(config, "workerinput"):
        raise error
    pytest.exit(f"harness error: {error}", returncode=EXIT_HARNESS_ERROR)


def _running_server(request: pytest.FixtureRequest, run: ConformanceRun, interface: str) -> ServerProcess:
    try:
        server = run.server(interface)
    except HarnessError as error:
        stop_for_harness_error(request.config, error)
    request.node.stash.setdefault(servers_used_key, []).append(server)
    return server


@pytest.fixture
def wsgi_server(request: pytest.FixtureRequest, conformance_run: ConformanceRun) -> ServerProcess:
    """The running server, serving the WSGI probe app (probe_apps.wsgi_probe:app)."""
    return _running_server(request, conformance_run, "wsgi")


@pytest.fixture
def asgi_server(request: pytest.FixtureRequest, conformance_run: ConformanceRun) -> ServerProcess:
    """The running server, serving the ASGI probe app (probe_apps.asgi_probe:app)."""
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
            stop_for_harness_error(pytestconfig, error)

    return start
