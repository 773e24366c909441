"""websocket.disconnect, and sends after it (www.rst, "Disconnect - receive event", "Disconnected
Client - send exception"): the app told that the client left (by a close frame, a dropped TCP
connection, before the accept, after a refusal, or as the server stops), the client's close code
and, from spec_version 2.5, its reason in the event, 1005 for a close frame without a code and
1006 for a dropped connection, send() after the client closed raising OSError from spec_version
2.4, and a send() exception the app re-raises caught, not logged as an error (asgi.rst, "Error
Handling").

What the app sees after the connection ended goes to the recorder: /inspect reports "disconnect"
and "send-after-disconnect", /deny "after-deny", /accept-late "late-accept" and
"after-late-accept", /reraise "reraising" (probe_apps/asgi_websocket_disconnect.py). One exchange of each
kind is shared by the checks that read it. The check of the server's stop starts a dedicated
instance.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from conformance.checks.asgi.gating import at_least
from conformance.checks.asgi.ws import (
    ABSENT,
    APP_WAITS_AFTER_CLOSE,
    RECORD_WAIT,
    WsServer,
    disconnect_after,
    first_message,
    needs_websocket,
    refused,
    typed_value,
    websocket_server,
)
from conformance.checks.per_instance import PerInstance
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, RawWebSocket, frame, handshake
from conformance.launcher import ServerProcess, group_members
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.servers import ServerSpec
from conformance.verify import verify

CLIENT_REASON = "client-bye ✓"
LATE_ACCEPT = 1.0  # seconds the app waits before accepting, in /accept-late
DROP_AFTER = 0.2  # seconds after its handshake that the client drops the connection
LOG_SETTLE = 0.3  # seconds the server gets to write to its log after the app has ended
STOP_WAIT = 5.0  # seconds the check waits, after the stop signal, for the app to be told
RECORD_GRACE = 1.0  # seconds a record gets to arrive once the server and its workers have ended

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


def disconnect_of(ws: WsServer, token: str) -> dict[str, Any]:
    """The websocket.disconnect event the app reported (its summary), waiting for it."""
    return ws.reported(token, "disconnect")["message"]


def client_closes(ws: WsServer, code: int, reason: str = "") -> dict[str, Any]:
    """The client closes a /inspect connection with ``code`` and ``reason``: what the app got."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        with ws.open("/inspect/client-closes", token=token) as connection:
            first_message(connection)
            connection.close(code, reason)
        return {"token": token, "event": disconnect_of(ws, token)}

    return _exchanges.once(ws, f"client-closes-{code}-{reason}", run)


def dropped(ws: WsServer) -> dict[str, Any]:
    """The client drops the TCP connection of an open WebSocket, without a close frame."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        client = RawWebSocket(ws.host, ws.port)
        head = client.open("/inspect/dropped", [(TOKEN_HEADER, token)])
        if head.status != 101:
            client.close()
            raise WireError(f"the handshake got HTTP {head.status}, not 101")
        client.recv_frame()
        client.drop()
        return {"token": token, "event": disconnect_of(ws, token)}

    return _exchanges.once(ws, "dropped", run)


def code_of(event: dict[str, Any]) -> Any:
    return typed_value(event.get("code"))


def shown(event: dict[str, Any]) -> str:
    keys = {key: typed_value(value) for key, value in event.items() if key not in ("type", "keys")}
    return f"{event.get('type')} {keys}"


@pytest.mark.requirement("ASGI-WS-DISC-001")
@pytest.mark.parametrize("how", ["close-frame", "tcp-drop"])
def test_the_app_learns_that_the_client_left(ws: WsServer, how: str) -> None:
    event = (client_closes(ws, 1000) if how == "close-frame" else dropped(ws))["event"]
    sent = ("a close frame with code 1000, the closing handshake completed" if how == "close-frame" else
            "the TCP connection dropped (RST), no close frame")
    verify(event.get("type") == "websocket.disconnect" and type(code_of(event)) is int,
           sent=f"GET /inspect with Upgrade: websocket; once open, {sent}",
           expected="the app's receive() returns websocket.disconnect with an int code", got=shown(event))


@pytest.mark.requirement("ASGI-WS-DISC-002")
@pytest.mark.parametrize("code", [1001, 4321])
def test_the_disconnect_carries_the_clients_close_code(ws: WsServer, code: int) -> None:
    event = client_closes(ws, code)["event"]
    verify(code_of(event) == code, sent=f"a close frame with code {code}",
           expected=f"websocket.disconnect with code {code}", got=shown(event))


@pytest.mark.requirement("ASGI-WS-DISC-003")
def test_a_close_frame_without_a_code_gives_1005(ws: WsServer) -> None:
    token = ws.new_token()
    with RawWebSocket(ws.host, ws.port) as client:
        client.open("/inspect/no-code", [(TOKEN_HEADER, token)])
        client.recv_frame()
        client.send(frame(CLOSE, b""))
        event = disconnect_of(ws, token)
    verify(code_of(event) == 1005, sent="a close frame with an empty payload (no code)",
           expected="websocket.disconnect with code 1005", got=shown(event))


@pytest.mark.requirement("ASGI-WS-DISC-005")
def test_the_clients_close_reason_reaches_the_app_from_2_5(ws: WsServer, observe: Callable[[str], None]) -> None:
    event = client_closes(ws, 4000, CLIENT_REASON)["event"]
    reason = typed_value(event.get("reason"))
    if at_least(ws.spec_version, "2.5"):
        ok, expected = reason == CLIENT_REASON, f"reason {CLIENT_REASON!r} (spec_version {ws.spec_version})"
    else:
        ok = reason in (ABSENT, None, "", CLIENT_REASON)
        expected = (f"below spec_version 2.5 (here {ws.spec_version}): no reason, None, '' or {CLIENT_REASON!r}")
        observe(f"spec_version {ws.spec_version}: the disconnect's reason is {reason!r}")
    verify(ok, sent=f"a close frame with code 4000 and reason {CLIENT_REASON!r}", expected=expected, got=shown(event))


@pytest.mark.requirement("ASGI-WS-DISC-006")
def test_a_dropped_connection_gives_code_1006(ws: WsServer) -> None:
    event = dropped(ws)["event"]
    verify(code_of(event) == 1006, sent="the TCP connection dropped (RST) with the WebSocket open, no close frame",
           expected="websocket.disconnect with code 1006", got=shown(event))


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
                # Ended: the server and every process it started (a worker may still be telling its app).
                if ended_at is None and server.process.poll() is not None and not group_members(server.process.pid):
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


@pytest.mark.requirement("ASGI-WS-DISC-008")
def test_a_client_gone_before_the_accept_gives_a_disconnect(ws: WsServer, observe: Callable[[str], None]) -> None:
    token = ws.new_token()
    target = f"/accept-late?after={LATE_ACCEPT}"
    with RawWebSocket(ws.host, ws.port) as client:
        client.send(handshake(target, f"{ws.host}:{ws.port}", client.key, [(TOKEN_HEADER, token)]))
        time.sleep(DROP_AFTER)
        client.drop()
    accepted = ws.reported(token, "late-accept", timeout=LATE_ACCEPT + RECORD_WAIT)
    after = ws.reported(token, "after-late-accept", timeout=APP_WAITS_AFTER_CLOSE + RECORD_WAIT)["message"]
    observe("the accept after the client left " + (f"raised {accepted['raised']}" if accepted.get("raised") else
                                                   "returned without raising")
            + (f"; the disconnect's code: {code_of(after)!r}" if after.get("type") == "websocket.disconnect" else ""))
    verify(after.get("type") == "websocket.disconnect",
           sent=f"the opening handshake to {target}, then the TCP connection dropped {DROP_AFTER:g} s later; "
                f"the app accepts {LATE_ACCEPT:g} s after websocket.connect, then calls receive()",
           expected="receive() returns websocket.disconnect",
           got=f"receive() gave {after.get('type')} (the app waited {APP_WAITS_AFTER_CLOSE:g} s)")


@pytest.mark.requirement("ASGI-WS-DISC-009")
def test_the_app_is_told_of_the_disconnect_after_a_refusal(ws: WsServer) -> None:
    got = disconnect_after(ws, refused(ws)["token"], "after-deny")
    verify(got == "websocket.disconnect",
           sent="GET /deny with Upgrade: websocket; after its websocket.close the app calls receive()",
           expected="receive() returns websocket.disconnect",
           got=f"receive() gave {got} (the app waited {APP_WAITS_AFTER_CLOSE:g} s)")


@pytest.mark.requirement("ASGI-WS-DISC-010")
def test_send_after_the_client_closed_raises_oserror_from_2_4(ws: WsServer) -> None:
    ws.require_version("2.4", "an OSError from send() on a closed connection")
    token = client_closes(ws, 1000)["token"]
    outcome = ws.reported(token, "send-after-disconnect")
    verify(outcome.get("oserror") is True, sent="a close frame; the app gets websocket.disconnect, then sends",
           expected="send() raises a subclass of OSError",
           got=f"send() raised {outcome['raised']}: {outcome.get('message')}" if outcome.get("raised") else
           "send() returned without raising")


def re_raised(ws: WsServer, server: ServerProcess) -> dict[str, Any]:
    """The client closes a /reraise connection; the app re-raises what its send() raised. What the
    server wrote to its log meanwhile, and whether it served an /echo connection afterwards."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        log_before = len(server.log_text())
        with ws.open("/reraise", token=token) as connection:
            connection.send("hello")
            connection.close(1000)
        try:  # the probe reports "send-returned" instead when its send() did not raise
            outcome = ws.recorder.wait_for_first(token, ("reraising", "send-returned"), timeout=RECORD_WAIT)
        except RecordTimeout:
            return {"raised": None}
        if outcome.event == "send-returned":
            return {"raised": None}
        reraising = outcome.data
        raised = reraising["raised"]
        try:
            with ws.open("/echo/after-reraise") as survivor:  # also gives the app time to end
                survivor.send("still up")
                echoed: object = survivor.recv(timeout=RECORD_WAIT)
        except (OSError, TimeoutError, ConnectionClosed) as error:
            echoed = f"{type(error).__name__}: {error}"
        time.sleep(LOG_SETTLE)
        log = server.log_text()[log_before:]
        return {"raised": raised, "oserror": reraising.get("oserror"), "echoed": echoed, "log": log,
                "naming": [line for line in log.splitlines() if raised in line]}

    return _exchanges.once(ws, "reraise", run)


def needs_a_send_exception(outcome: dict[str, Any]) -> None:
    if outcome["raised"] is None:
        pytest.skip("not applicable here: send() after the disconnect did not raise, so the app has nothing to "
                    "re-raise (see ASGI-WS-DISC-010)")
    if not outcome["oserror"]:
        pytest.skip(f"not applicable here: send() after the disconnect raised {outcome['raised']}, not the OSError "
                    "subclass the spec speaks of (see ASGI-WS-DISC-010)")


RERAISE_SENT = ("the client closes a /reraise connection; the app's send() after websocket.disconnect raises, and "
                "the app re-raises it; then an /echo connection sends 'still up'")


@pytest.mark.requirement("ASGI-WS-DISC-011")
def test_a_send_exception_the_app_re_raises_is_caught(ws: WsServer, asgi_server: ServerProcess) -> None:
    outcome = re_raised(ws, asgi_server)
    needs_a_send_exception(outcome)
    verify(outcome["echoed"] == "still up", sent=RERAISE_SENT.replace("raises", f"raises {outcome['raised']}", 1),
           expected="the server catches it and goes on serving: 'still up' echoed", got=f"{outcome['echoed']!r}")


@pytest.mark.requirement("ASGI-WS-DISC-012")
def test_a_send_exception_the_app_re_raises_is_not_logged_as_an_error(ws: WsServer, asgi_server: ServerProcess) -> None:
    outcome = re_raised(ws, asgi_server)
    needs_a_send_exception(outcome)
    traceback = "Traceback" in outcome["log"] and bool(outcome["naming"])
    verify(not traceback, sent=RERAISE_SENT.replace("raises", f"raises {outcome['raised']}", 1),
           expected=f"no traceback of {outcome['raised']} in the server's log",
           got="the server's log has a traceback naming it: " + " | ".join(outcome["naming"][:3])[:400])
