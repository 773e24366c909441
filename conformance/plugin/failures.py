"""Failures: what a check's report says when the check failed, and what becomes of the server.

Belongs here: the requirement's heading above what was sent, expected and got (for a
ConformanceFailure, and for a client error such as no answer at all); a server that died or
stopped answering during a check, named in its report and replaced for the next check; a harness
error met under xdist, which stops the run instead of failing a check (see fixtures.py); and a
check error: an exception that is none of the server's doing (a bug of the check, or of the
machine), which gives that one check no verdict instead of charging the server with it.

The report says it twice: as text in ``longrepr`` (what the terminal shows) and as data, the
user property ``failure``: a dict of str with ``headings``, ``sent``, ``expected``, ``got`` (those
known) and ``server`` (what became of it, with its log's last lines). The data is what the results
document is built from (conformance/report/results.py); being plain, it survives xdist's transport.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import h11
import httpx
import pytest
from websockets.exceptions import WebSocketException

from conformance import catalogue as catalogue_module
from conformance.clients.raw import RawClient, WireError
from conformance.errors import HarnessError
from conformance.plugin.collection import is_check, requirement_ids
from conformance.plugin.stash import run_key, servers_used_key
from conformance.recorder import RecordTimeout
from conformance.verify import ConformanceFailure, rendered, shown

FAILURE = "failure"  # the user property that carries a failure's parts
CHECK_ERROR = "check_error"  # the user property of a check that reached no verdict, and why

# What the server's answer can make a client raise: a closed or reset connection, a wait that timed
# out, bytes that are no valid HTTP or WebSocket.
CLIENT_ERRORS = (WebSocketException, ConnectionError, TimeoutError, h11.ProtocolError)
# What a check may raise for what the server did: its verdict (pytest's own outcomes included), or a
# client's error. Anything else is the check's own error.
SERVER_DOING = (AssertionError, pytest.skip.Exception, pytest.fail.Exception, pytest.xfail.Exception,
                RecordTimeout, httpx.HTTPError, *CLIENT_ERRORS)


def _headings(item: pytest.Item, only: str | None) -> str:
    known = catalogue_module.catalogue()
    ids = [only] if only else requirement_ids(item)
    return "\n".join(known[rid].heading() for rid in ids if rid in known)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    error = call.excinfo.value if call.excinfo else None
    if isinstance(error, HarnessError):  # only under xdist: see fixtures.stop_for_harness_error
        report.outcome, report.longrepr = "failed", f"harness error: {error}"
        with contextlib.suppress(AttributeError):
            del report.wasxfail  # an expected failure is about the server, never the set-up
        # On the item too, so its teardown report is not taken for a conformance outcome either.
        for properties in (report.user_properties, item.user_properties):
            properties.append(("harness_error", str(error)))
        item.session.shouldstop = f"harness error: {error}"
        return report
    if call.when not in ("setup", "call") or not is_check(item):
        return report
    if error is not None and not isinstance(error, SERVER_DOING) and not _a_server_died(item):
        _no_verdict(item, report, error)
        return report
    if call.when != "call":
        return report
    parts = _parts(item, error)
    if parts:
        report.longrepr = f"{parts['headings']}\n{rendered(parts)}"
    _replace_dead_servers(item, report, parts)
    if parts:
        report.user_properties.append((FAILURE, parts))
    return report


def _a_server_died(item: pytest.Item) -> bool:
    """Whether a server the check used is gone (then whatever the check raised is the server's doing)."""
    return any(not server.alive() for server in item.stash.get(servers_used_key, []))


def _no_verdict(item: pytest.Item, report: pytest.TestReport, error: BaseException) -> None:
    """A check that raised what no server could have caused: a harness error of that check alone,
    shown with its traceback, never the server's failure (nor an expected one)."""
    why = f"{type(error).__name__}: {error}"
    report.outcome = "failed"
    with contextlib.suppress(AttributeError):
        del report.wasxfail
    report.longrepr = (f"{_headings(item, None)}\nharness error in this check, so no verdict on the server "
                       f"(a bug of the suite: please report it): {why}\n{report.longrepr}")
    report.user_properties.append((CHECK_ERROR, why))
    _replace_dead_servers(item, report, {})  # (a server that stopped answering, for the next check)


def _parts(item: pytest.Item, error: BaseException | None) -> dict[str, str]:
    """The failure's parts, those known; none for a failure of another kind (a plain assertion's
    traceback says what it has to say)."""
    if isinstance(error, ConformanceFailure):
        return {"headings": _headings(item, error.requirement), **error.parts()}
    if isinstance(error, (WireError, RecordTimeout)):
        sent, got = _last_sent(item), str(error)
    elif isinstance(error, httpx.HTTPError):
        sent, got = _requested(error), f"{type(error).__name__}: {str(error) or 'no answer'}"
    elif isinstance(error, CLIENT_ERRORS):
        sent, got = _last_sent(item), f"{type(error).__name__}: {str(error) or 'no answer'}"
    else:
        return {}
    return {"headings": _headings(item, None), **({"sent": sent} if sent else {}), "got": got}


def _replace_dead_servers(item: pytest.Item, report: pytest.TestReport, parts: dict[str, str]) -> None:
    """A server that died or stopped answering during the check is named in its report, with the
    server's last lines of output, and discarded: the next check gets a fresh one. A check during
    which the server died fails, unless it was expected to."""
    run = item.config.stash[run_key]
    for server in item.stash.get(servers_used_key, []):
        if not server.alive():
            if not hasattr(report, "wasxfail"):  # an expected failure stays expected
                report.outcome = "failed"
            if not report.longrepr:
                report.longrepr = parts["headings"] = _headings(item, None)
            note = f"the server died during this check " \
                   f"(exit code {server.process.returncode if server.process else '?'}); " \
                   f"the next check gets a fresh one\n{server.log_tail()}"
        elif (report.failed or hasattr(report, "wasxfail")) and not server.healthy():
            # (an expected failure under --expect is a failure too: its hung server is replaced alike)
            note = f"the server stopped answering; the next check gets a fresh one\n{server.log_tail()}"
        else:
            continue
        report.longrepr = f"{report.longrepr}\n{note}"
        parts["server"] = f"{parts['server']}\n{note}" if "server" in parts else note
        run.discard(server)


def _last_sent(item: pytest.Item) -> str:
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, RawClient) and value.last_sent:
            return shown(value.last_sent)
    return ""


def _requested(error: httpx.HTTPError) -> str:
    try:
        return f"{error.request.method} {error.request.url}"
    except RuntimeError:  # the error came before there was a request
        return ""
