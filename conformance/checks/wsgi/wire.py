"""What only the WSGI checks share: a request whose answer may be no valid response, waiting for
the app's close() record, when the headers of a response arrived against when the app was about
to return (the probe's "returning" record), and when the first bytes of a paced body arrived.
What both interfaces share on the wire is in conformance/checks/wire.py.

Rule: every wait has a deadline; nothing here sleeps a fixed time.
"""

from __future__ import annotations

import select
import time

import pytest

from conformance.checks.wire import Exchange, wall
from conformance.clients.raw import RawClient, Response, WireError
from conformance.recorder import TOKEN_HEADER, Record, Recorder, RecordTimeout

# close() and the app's own records are due as soon as the response is over (good servers: a few
# milliseconds); the bound only decides how long a server that never does it is waited for.
CLOSE_TIMEOUT = 3.0
RECORD_WAIT = 3.0

GAP = 0.5  # seconds a paced body (/stream?gap=, /write?rgap=) waits before it produces its next block


def request(wsgi: RawClient, method: str, path: str, token: str) -> Response | None:
    """The response, or None when the server ended it in a way that is no valid response."""
    try:
        return wsgi.request(method, path, [(TOKEN_HEADER, token)])
    except WireError:
        return None


def wait_closed(recorder: Recorder, token: str, timeout: float = 5.0) -> list[str]:
    """Wait for the app's close() record; the events seen under ``token``, in order."""
    recorder.wait_for(token, "close", timeout=timeout)
    return [r.event for r in recorder.records(token)]


def closed_or_not_applicable(recorder: Recorder, token: str, governs: str, timeout: float = 5.0) -> list[str]:
    """As wait_closed, for a check about something else: where close() never came, the check is not
    applicable, as the failure of ``governs`` (the requirement that close() be called there)."""
    try:
        return wait_closed(recorder, token, timeout)
    except RecordTimeout:
        pytest.skip(f"not applicable: the app's close() was never called (that failure is {governs}'s)")


def headers_arrival(client: RawClient, recorder: Recorder, path: str,
                    timeout: float = 5.0) -> tuple[float | None, Record]:
    """GET ``path`` of a scenario that records "returning" just before the app returns: when the
    first byte of the response arrived (wall clock, None if nothing came within ``timeout``), and
    the app's "returning" record (its time is when the app was about to return)."""
    token = recorder.new_token()
    with Exchange(client, "GET", path, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)
        ready, _, _ = select.select([exchange.sock], [], [], timeout)
        first = wall(time.monotonic()) if ready else None
        returning = recorder.wait_for(token, "returning", timeout=timeout)[0]
    return first, returning


def arrival_of(response: Response, size: int) -> float | None:
    """When the first ``size`` body bytes had all arrived (wall clock)."""
    received = 0
    for at, data in response.chunks:
        received += len(data)
        if received >= size:
            return wall(at)
    return None
