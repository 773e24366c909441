"""WebSocket checks that need a server instance of their own (www.rst, "Websocket Connection
Scope", "Disconnect - receive event", "WebSocket"): the scheme over TLS, by the adapter's tls
launch variant; the app told of the disconnect when the server is stopped with a WebSocket open;
and pings on an idle connection, by the ws_ping variant (a short keepalive interval).

Each starts a dedicated instance, but for the scheme over TLS: the TLS instance the checks share
(conformance/checks/launching.py). A server without WebSocket, or whose adapter has no such
variant, is reported not applicable.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

import pytest

from conformance.checks.asgi.ws import first_message, typed_value, websocket_server
from conformance.checks.launching import TlsServer, TlsServers, needs_variant, trusting
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, PING, RawWebSocket, open_websocket
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.servers import ServerSpec
from conformance.verify import verify

STOP_WAIT = 5.0  # seconds the check waits, after the stop signal, for the app to be told
RECORD_GRACE = 0.5  # seconds a record gets to arrive once the server has ended
PING_WAIT = 2.5  # seconds an idle client waits for a ping (a ws_ping variant pings every 0.3 s, or every 1 s)


def needs_websocket(spec: ServerSpec) -> None:
    if spec.name != "custom" and "websocket" not in spec.capabilities:
        pytest.skip(f"not applicable: {spec.name} does not do WebSocket (its adapter declares no websocket capability)")


@pytest.fixture(scope="module")
def wss_server(tls_servers: TlsServers, server_spec: ServerSpec) -> TlsServer:
    needs_websocket(server_spec)
    return tls_servers.server("asgi")


@pytest.mark.requirement("ASGI-WS-SCOPE-019")
def test_scheme_is_wss_over_tls(wss_server: TlsServer) -> None:
    server, ca = wss_server
    url = f"wss://{server.host}:{server.port}/inspect/wss"
    with open_websocket(url, tls=trusting(ca)) as connection:
        scope = first_message(connection)["scope"]
    verify(scope.get("scheme") == "wss", sent=f"a WebSocket handshake to {url} (TLS, a certificate for 127.0.0.1)",
           expected="scheme 'wss' (a missing scheme means 'ws', which is wrong here)",
           got=repr(scope.get("scheme", "<absent>")))


def client_side(client: RawWebSocket) -> str:
    """What the client's connection shows now: the server's close frame, the end of the TCP
    connection, or nothing yet."""
    try:
        received = client.recv_frame(timeout=0.3)
    except WireError as error:
        return "open" if "within" in str(error) else "ended (no close frame)"
    return f"a close frame, code {received.close_code()}" if received.opcode == CLOSE else f"a {received.kind} frame"


@pytest.mark.requirement("ASGI-WS-DISC-007")
def test_stopping_the_server_tells_the_app_of_the_disconnect(dedicated_server: Callable, server_spec: ServerSpec,
                                                             recorder: Recorder,
                                                             observe: Callable[[str], None]) -> None:
    needs_websocket(server_spec)
    with dedicated_server("asgi") as server:
        ws = websocket_server(server, server_spec, recorder)
        token = ws.new_token()
        with ws.raw() as client:
            head = client.open("/inspect/shutdown", [(TOKEN_HEADER, token)])
            if head.status != 101:
                raise WireError(f"the handshake got HTTP {head.status}, not 101")
            client.recv_frame()
            assert server.process is not None
            server.process.send_signal(server_spec.stop_signal)
            deadline, ended_at = time.monotonic() + STOP_WAIT, None
            while time.monotonic() < deadline:
                if any(r.event == "disconnect" for r in recorder.records(token)):
                    break
                if ended_at is None and server.process.poll() is not None:
                    ended_at = time.monotonic()
                    deadline = min(deadline, ended_at + RECORD_GRACE)
                time.sleep(0.05)
            told = [r.data["message"] for r in recorder.records(token) if r.event == "disconnect"]
            seen = client_side(client)
        running = server.process.poll() is None
    if told:
        observe(f"stopped with a WebSocket open: the app got code {typed_value(told[0].get('code'))!r}; the client "
                f"saw {seen}")
    elif running and seen == "open":
        observe(f"stopped with a WebSocket open: {STOP_WAIT:g} s later the server still ran with the connection open "
                "(it waits for the client)")
    verify(bool(told) or (running and seen == "open"),
           sent="GET /inspect/shutdown with Upgrade: websocket; once open, the server's stop signal "
                f"({signal.Signals(server_spec.stop_signal).name})",
           expected="the app's receive() gives websocket.disconnect (or the server keeps the connection open)",
           got=f"no websocket.disconnect within {STOP_WAIT:g} s; the server {'ran on' if running else 'ended'}, "
               f"and the client saw {seen}")


@pytest.mark.requirement("ASGI-WS-MSG-009")
def test_whether_the_server_pings_an_idle_connection_is_reported(dedicated_server: Callable,
                                                                 server_spec: ServerSpec, recorder: Recorder,
                                                                 observe: Callable[[str], None]) -> None:
    needs_websocket(server_spec)
    needs_variant(server_spec, "ws_ping")
    with dedicated_server("asgi", variant="ws_ping") as server:
        ws = websocket_server(server, server_spec, recorder)
        with ws.raw() as client:
            head = client.open("/inspect/idle")
            if head.status != 101:
                raise WireError(f"the handshake got HTTP {head.status}, not 101")
            client.recv_frame()
            started = time.monotonic()
            try:
                frames = client.frames_until(PING, timeout=PING_WAIT)
            except WireError:
                frames = []
    pinged = bool(frames) and frames[-1].opcode == PING
    observe(f"started with a short ping interval: a ping came after {time.monotonic() - started:.1f} s of idle"
            if pinged else f"started with a short ping interval: no ping within {PING_WAIT:g} s of idle")
