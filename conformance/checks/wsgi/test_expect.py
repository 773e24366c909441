"""PEP 3333, Expect: 100-continue: the app reads the body as if the client had sent it at once.

The client sends the headers, then waits up to 1 s: for a 100 (then it sends the body), or for
nothing (then it sends the body anyway, as curl does). /input records "called" when the app
starts, which tells a 100 sent before the app ran from one sent when it read.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Callable

import pytest

from conformance.checks.wsgi.wire import Exchange, wall
from conformance.clients.raw import RawClient, read_response
from conformance.probe_data import revive
from conformance.recorder import Recorder
from conformance.verify import verify

BODY = b"hello world"
PATIENCE = 1.0


def interim_continue(sock: socket.socket, timeout: float) -> tuple[str, float | None]:
    """Wait for the server's first bytes: ('100', when) once a 100 Continue was read off the wire,
    ('final', None) when something else came first, ('nothing', None) after ``timeout``."""
    ready, _, _ = select.select([sock], [], [], timeout)
    if not ready:
        return "nothing", None
    arrived = time.monotonic()
    peeked = sock.recv(4096, socket.MSG_PEEK)
    head, separator, _ = peeked.partition(b"\r\n\r\n")
    if head.split(b" ")[1:2] == [b"100"] and separator:
        sock.recv(len(head) + len(separator))  # consume exactly the interim response
        return "100", arrived
    return "final", None


@pytest.mark.requirement("WSGI-H11-010")
def test_expect_100_continue_is_transparent(wsgi: RawClient, recorder: Recorder,
                                            observe: Callable[[str], None]) -> None:
    token = recorder.new_token()
    headers = [("Expect", "100-continue"), ("Content-Length", str(len(BODY)))]
    with Exchange(wsgi, "POST", "/input?op=body", headers, token=token) as exchange:
        exchange.sock.sendall(exchange.raw)  # the headers only: the body waits for the server
        way, continued_at = interim_continue(exchange.sock, PATIENCE)
        if way != "final":
            exchange.sock.sendall(BODY)
        response = read_response(exchange.sock, method="POST", timeout=exchange.timeout)
        ok, follow_up = exchange.follow_up(response)
    if way == "100":
        called = recorder.records(token)
        before = called and continued_at is not None and wall(continued_at) < called[0].time
        observe("100 Continue sent " + ("before the app was called" if before else "once the app was running "
                                        "(at its first read, or as soon as it was called)"))
    elif way == "nothing":
        observe(f"no 100 Continue within {PATIENCE:g} s: the server waited for the body (the PEP's third way)")
    payload = response.json() if response.status == 200 else {}
    read = revive(payload["results"][0]["value"]) if payload.get("results") else None
    verify(way != "final" and read == BODY and not response.informational and ok,
           sent=f"POST /input?op=body with Expect: 100-continue; the {len(BODY)}-byte body after a 100, "
                f"or after {PATIENCE:g} s",
           expected=f"the app reads {BODY!r}; at most one 100 Continue, before the final response",
           got=("a final response before the body was sent; " if way == "final" else "")
           + f"status {response.status}, the app read {read!r}, further 1xx: {response.informational or 'none'}; "
           + follow_up)


@pytest.mark.requirement("WSGI-H11-013")
def test_no_100_continue_for_an_http_1_0_request(wsgi: RawClient) -> None:
    """HTTP/1.0 with Expect: 100-continue and the body sent at once."""
    response = wsgi.request("POST", "/input?op=body", [("Expect", "100-continue")], BODY, http_version="1.0")
    verify(not response.informational and response.status == 200, sent="POST /input?op=body HTTP/1.0 with "
           "Expect: 100-continue and the body", expected="status 200 and no 1xx response before it",
           got=f"1xx responses: {response.informational or 'none'}, then status {response.status}")
