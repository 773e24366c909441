"""WebSocket over HTTP/2 (RFC 8441 extended CONNECT; www.rst, "Websocket Connection Scope"): the
scope says http_version "2", has no pseudo-header, and gives :authority as the first host
header; messages go both ways on the stream.

One exchange per server, over cleartext HTTP/2 with prior knowledge: the frame-level client's
H2WebSocket opens /inspect/h2 with an extended CONNECT, reads the scope (the probe's first
message, a text frame), sends a text message and reads the app's description of it. A server
that does not speak h2c, or whose SETTINGS do not enable extended CONNECT, is not applicable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conformance.checks.asgi.ws import ABSENT, WsServer, typed_value
from conformance.clients.h2 import speaks_h2c
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, TEXT, H2WebSocket, NoExtendedConnect, close_payload, frame
from conformance.probe_data import revive
from conformance.verify import verify

TARGET = "/inspect/h2?over=h2"
MESSAGE = "héllo over HTTP/2 ✓"
SENT = (f"an extended CONNECT (:protocol websocket, :path {TARGET}, :authority 127.0.0.1:PORT) on cleartext "
        "HTTP/2 with prior knowledge")

_exchanges: dict[str, dict[str, Any]] = {}


def over_h2(ws: WsServer) -> dict[str, Any]:
    """The shared exchange: the answer's :status, the scope, and both messages."""
    if ws.instance_id not in _exchanges:
        _exchanges[ws.instance_id] = _exchange(ws)
    exchange = _exchanges[ws.instance_id]
    if "skip" in exchange:
        pytest.skip(exchange["skip"])
    return exchange


def _exchange(ws: WsServer) -> dict[str, Any]:
    if not speaks_h2c(ws.host, ws.port):
        return {"skip": "not applicable: the server does not speak HTTP/2 in cleartext (h2c, prior knowledge)"}
    with H2WebSocket(ws.host, ws.port) as client:
        try:
            status = client.open_stream(TARGET)
        except NoExtendedConnect as error:
            return {"skip": f"not applicable: {error}"}
        if status != 200:
            raise WireError(f"the extended CONNECT got :status {status}, not 200 (headers {client.response})")
        first = client.recv_frame()
        scope = revive(json.loads(first.payload)["scope"]) if first.opcode == TEXT else {}
        client.send(frame(TEXT, MESSAGE.encode()))
        answer = client.recv_frame()
        event = json.loads(answer.payload)["event"] if answer.opcode == TEXT else {}
        client.send(frame(CLOSE, close_payload(1000)))
    return {"scope": scope, "first": first, "event": event, "authority": f"{ws.host}:{ws.port}".encode()}


@pytest.mark.requirement("ASGI-WS-SCOPE-020")
def test_http_version_is_2_over_http2(ws: WsServer) -> None:
    scope = over_h2(ws)["scope"]
    verify(scope.get("http_version") == "2", sent=SENT, expected="http_version '2' (a missing one means '1.1')",
           got=repr(scope.get("http_version", "<absent>")))


@pytest.mark.requirement("ASGI-WS-SCOPE-011")
def test_no_pseudo_headers_and_authority_is_the_first_host(ws: WsServer) -> None:
    exchange = over_h2(ws)
    headers = [(bytes(name), bytes(value)) for name, value in exchange["scope"].get("headers") or []]
    pseudo = [name for name, _ in headers if name.startswith(b":")]
    hosts = [value for name, value in headers if name.lower() == b"host"]
    ok = not pseudo and bool(headers) and headers[0] == (b"host", exchange["authority"]) and len(hosts) == 1
    verify(ok, sent=SENT + " and no host header",
           expected=f"no header name starting with ':', and host {exchange['authority']!r} first (and once)",
           got=f"headers {headers[:8]}")


@pytest.mark.requirement("ASGI-WS-MSG-001", "ASGI-WS-MSG-011")
def test_messages_go_both_ways_over_http2(ws: WsServer) -> None:
    exchange = over_h2(ws)
    event = exchange["event"]
    text, data = typed_value(event.get("text")), typed_value(event.get("bytes"))
    ok = (exchange["first"].opcode == TEXT and event.get("type") == "websocket.receive" and type(text) is str
          and text == MESSAGE and data in (None, ABSENT))
    verify(ok, sent=SENT + f"; the client sends the text message {MESSAGE!r}",
           expected=f"the app's first message arrives as a text frame, and the app gets websocket.receive with text "
                    f"{MESSAGE!r}",
           got=f"first message: a {exchange['first'].kind} frame; the app got {json.dumps(event, ensure_ascii=False)}")
