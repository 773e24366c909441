"""WebSocket over HTTP/2 (RFC 8441 extended CONNECT; www.rst, "Websocket Connection Scope"): the
scope says http_version "2", has no pseudo-header, and gives :authority as the first host
header; messages go both ways on the stream.

One exchange per server and transport, each check run on both: over cleartext HTTP/2 with prior
knowledge on the shared instance, and over TLS where ALPN picks h2 on the shared TLS instance
(started by the adapter's tls launch variant; conformance/checks/launching.py). The frame-level
client (H2WebSocket, tls_h2_websocket) opens /inspect/h2 with an extended CONNECT, reads the
scope (the probe's first message, a text frame), sends a text message and reads the app's
description of it. A server that does not speak HTTP/2 that way, or whose SETTINGS do not enable
extended CONNECT, is not applicable.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import trustme

from conformance.checks.asgi.ws import ABSENT, WsServer, typed_value
from conformance.checks.launching import TlsServer, TlsServers, trusting
from conformance.checks.per_instance import PerInstance
from conformance.clients.h2 import NoHTTP2, speaks_h2c, tls_h2_websocket
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, TEXT, H2WebSocket, NoExtendedConnect, close_payload, frame
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.servers import ServerSpec
from conformance.verify import verify

TARGET = "/inspect/h2?over=h2"
MESSAGE = "héllo over HTTP/2 ✓"
SENT = {"h2c": f"an extended CONNECT (:protocol websocket, :path {TARGET}, :authority 127.0.0.1:PORT) on cleartext "
               "HTTP/2 with prior knowledge",
        "tls": f"an extended CONNECT (:protocol websocket, :scheme https, :path {TARGET}, :authority 127.0.0.1:PORT) "
               "on HTTP/2 over TLS (ALPN h2)"}

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


@pytest.fixture(scope="module")
def wss_h2_server(tls_servers: TlsServers, server_spec: ServerSpec) -> TlsServer:
    if server_spec.name != "custom" and "websocket" not in server_spec.capabilities:
        pytest.skip(f"not applicable: {server_spec.name} does not do WebSocket (its adapter declares no websocket "
                    "capability)")
    return tls_servers.server("asgi")


@pytest.fixture(params=["h2c", "tls"])
def over_h2(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The exchange on this transport (made once per instance): the scope, both messages, and what
    was sent; skips where the server does not do WebSocket over HTTP/2 that way."""
    if request.param == "h2c":
        ws: WsServer = request.getfixturevalue("ws")
        exchange = _exchanges.once(ws, "h2c", lambda: _exchange_h2c(ws))
    else:
        server, ca = request.getfixturevalue("wss_h2_server")
        exchange = _exchanges.once(server, "tls", lambda: _exchange_tls(server, ca))
    if "skip" in exchange:
        pytest.skip(exchange["skip"])
    return {**exchange, "sent": SENT[request.param]}


def _exchange_h2c(ws: WsServer) -> dict[str, Any]:
    if not speaks_h2c(ws.host, ws.port):
        return {"skip": "not applicable: the server does not speak HTTP/2 in cleartext (h2c, prior knowledge)"}
    with H2WebSocket(ws.host, ws.port) as client:
        return _exchange(client, f"{ws.host}:{ws.port}")


def _exchange_tls(server: ServerProcess, ca: trustme.CA) -> dict[str, Any]:
    try:
        client = tls_h2_websocket(server.host, server.port, trusting(ca))
    except NoHTTP2 as error:
        return {"skip": f"not applicable: no HTTP/2 over TLS ({error})"}
    with client:
        return _exchange(client, f"{server.host}:{server.port}")


def _exchange(client: H2WebSocket, authority: str) -> dict[str, Any]:
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
    return {"scope": scope, "first": first, "event": event, "authority": authority.encode()}


@pytest.mark.requirement("ASGI-WS-SCOPE-020")
def test_http_version_is_2_over_http2(over_h2: dict[str, Any]) -> None:
    scope = over_h2["scope"]
    verify(scope.get("http_version") == "2", sent=over_h2["sent"],
           expected="http_version '2' (a missing one means '1.1')", got=repr(scope.get("http_version", "<absent>")))


@pytest.mark.requirement("ASGI-WS-SCOPE-011")
def test_no_pseudo_headers_and_authority_is_the_first_host(over_h2: dict[str, Any]) -> None:
    exchange = over_h2
    headers = [(bytes(name), bytes(value)) for name, value in exchange["scope"].get("headers") or []]
    pseudo = [name for name, _ in headers if name.startswith(b":")]
    hosts = [value for name, value in headers if name.lower() == b"host"]
    ok = not pseudo and bool(headers) and headers[0] == (b"host", exchange["authority"]) and len(hosts) == 1
    verify(ok, sent=exchange["sent"] + " and no host header",
           expected=f"no header name starting with ':', and host {exchange['authority']!r} first (and once)",
           got=f"headers {headers[:8]}")


@pytest.mark.requirement("ASGI-WS-MSG-001", "ASGI-WS-MSG-011")
def test_messages_go_both_ways_over_http2(over_h2: dict[str, Any]) -> None:
    exchange = over_h2
    event = exchange["event"]
    text, data = typed_value(event.get("text")), typed_value(event.get("bytes"))
    ok = (exchange["first"].opcode == TEXT and event.get("type") == "websocket.receive" and type(text) is str
          and text == MESSAGE and data in (None, ABSENT))
    verify(ok, sent=exchange["sent"] + f"; the client sends the text message {MESSAGE!r}",
           expected=f"the app's first message arrives as a text frame, and the app gets websocket.receive with text "
                    f"{MESSAGE!r}",
           got=f"first message: a {exchange['first'].kind} frame; the app got {json.dumps(event, ensure_ascii=False)}")
