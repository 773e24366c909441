"""Options: what ``pytest --help`` lists under "WSGI / ASGI server conformance", and what they
select when pytest is configured: the server under test, the CI gate's expected failures, the run.

Belongs here: every read of the command line and the ini file. A bad value is a usage error
(exit code 4) before anything is collected.
"""

from __future__ import annotations

import pytest

from conformance import catalogue as catalogue_module
from conformance import gate
from conformance.catalogue import CatalogueError
from conformance.coverage import CHECKS_DIR, requirements_by_check
from conformance.errors import HarnessError
from conformance.plugin.stash import expected_key, run_key
from conformance.report.expectations import Expectation, ExpectationsError
from conformance.servers import ServerSpec, custom_server, lookup
from conformance.session import ConformanceRun

DEFAULT_SERVER = "wsgiref"


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
