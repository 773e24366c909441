"""What only the WSGI checks share: waiting for the app's close() record, and when the headers of
a response arrived against when the app was about to return (the probe's "returning" record).
What both interfaces share on the wire is in conformance/checks/wire.py.

Rule: every wait has a deadline; nothing here sleeps a fixed time.
"""

from __future__ import annotations

import select
import time

from conformance.checks.wire import Exchange, wall
from conformance.clients.raw import RawClient
from conformance.recorder import Record, Recorder


def wait_closed(recorder: Recorder, token: str, timeout: float = 5.0) -> list[str]:
    """Wait for the app's close() record; the events seen under ``token``, in order."""
    recorder.wait_for(token, "close", timeout=timeout)
    return [r.event for r in recorder.records(token)]


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
