"""Failures: what a check's report says when the check failed, and what becomes of the server.

Belongs here: the requirement's heading above what was sent, expected and got (for a
ConformanceFailure, and for a client error such as no answer at all); a server that died or
stopped answering during a check, named in its report and replaced for the next check; a harness
error met under xdist, which stops the run instead of failing a check (see fixtures.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from conformance import catalogue as catalogue_module
from conformance.clients.raw import RawClient, WireError
from conformance.errors import HarnessError
from conformance.plugin.collection import is_check, requirement_ids
from conformance.plugin.stash import run_key, servers_used_key
from conformance.recorder import RecordTimeout
from conformance.verify import ConformanceFailure, shown


def _headings(item: pytest.Item, only: str | None) -> str:
    known = catalogue_module.catalogue()
    ids = [only] if only else requirement_ids(item)
    return "\n".join(known[rid].heading() for rid in ids if rid in known)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, HarnessError):  # only under xdist: see fixtures._stop_for_harness_error
        report.outcome, report.longrepr = "failed", f"harness error: {error}"
        with contextlib.suppress(AttributeError):
            del report.wasxfail  # an expected failure is about the server, never the set-up
        # On the item too, so its teardown report is not taken for a conformance outcome either.
        for properties in (report.user_properties, item.user_properties):
            properties.append(("harness_error", str(error)))
        item.session.shouldstop = f"harness error: {error}"
        return report
    if call.when != "call" or not is_check(item):
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
