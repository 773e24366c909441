"""Closing a WebSocket (www.rst, "Disconnect - receive event", "Close - send event",
"Disconnected Client - send exception"; asgi.rst, "Error Handling"; RFC 6455 section 7): the
client's close code and reason reaching the app, a dropped TCP connection, the app's close code
and reason reaching the client, the TCP connection ended after the closing handshake, send()
once closed, an app that raises or returns, and other connections left alone; a message the
client sends after the app's close (reported), a client gone before the accept, and a send()
exception the app re-raises (caught, not logged as an error).

What the app sees after the connection ended goes to the recorder: /inspect reports
"disconnect" and "send-after-disconnect", /close reports "close", "after-close" and
"send-after-close" (probe_apps/asgi_websocket.py).
"""

from __future__ import annotations

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
    close_outcome,
    describe_code,
    first_message,
    typed_value,
)
from conformance.checks.per_instance import PerInstance
from conformance.clients.raw import WireError
from conformance.clients.websocket import CLOSE, TEXT, RawWebSocket, close_payload, frame, handshake
from conformance.launcher import ServerProcess
from conformance.recorder import TOKEN_HEADER, RecordTimeout
from conformance.verify import verify

CLOSE_WAIT = 2.0  # seconds the client waits for the server to close or end the connection
STILL_OPEN = -1  # no close within the wait
CLIENT_REASON = "client-bye ✓"
APP_REASON = "bye ✓"
LATE_ACCEPT = 1.0  # seconds the app waits before accepting, in /accept-late
DROP_AFTER = 0.2  # seconds after its handshake that the client drops the connection
LOG_SETTLE = 0.3  # seconds the server gets to write to its log after the app has ended

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


@pytest.mark.requirement("ASGI-WS-DISC-010")
def test_send_after_the_client_closed_raises_oserror_from_2_4(ws: WsServer) -> None:
    ws.require_version("2.4", "an OSError from send() on a closed connection")
    token = client_closes(ws, 1000)["token"]
    outcome = ws.reported(token, "send-after-disconnect")
    verify(outcome.get("oserror") is True, sent="a close frame; the app gets websocket.disconnect, then sends",
           expected="send() raises a subclass of OSError",
           got=f"send() raised {outcome['raised']}: {outcome.get('message')}" if outcome.get("raised") else
           "send() returned without raising")


# --- the app closes ------------------------------------------------------------------------------


def app_closes(ws: WsServer, params: list[tuple[str, object]], name: str) -> dict[str, Any]:
    """/close?params: the close code and reason the client got, and the token of the app's reports."""
    def run() -> dict[str, Any]:
        token = ws.new_token()
        target = ws.target(f"/close/{name}", params)
        with ws.open(target, token=token) as connection:
            try:
                code, reason, _ = close_outcome(connection)
            except TimeoutError:
                return {"token": token, "code": STILL_OPEN, "reason": "", "target": target}
        return {"token": token, "code": code, "reason": reason, "target": target}

    return _exchanges.once(ws, f"close-{name}", run)


@pytest.mark.requirement("ASGI-WS-CLOSE-001")
@pytest.mark.parametrize("code", [1001, 3000, 4999])
def test_the_apps_close_code_reaches_the_client(ws: WsServer, code: int) -> None:
    outcome = app_closes(ws, [("code", code)], f"code-{code}")
    got = describe_code(outcome["code"])
    if outcome["code"] != code:
        sent_close = ws.reported(outcome["token"], "close")
        if sent_close.get("raised"):
            got += f"; the app's send() of websocket.close raised {sent_close['raised']}: {sent_close.get('message')}"
    verify(outcome["code"] == code, sent=f"(after accepting, the app sends websocket.close with code {code})",
           expected=f"a close frame with code {code}", got=got)


@pytest.mark.requirement("ASGI-WS-CLOSE-002")
def test_a_close_without_a_code_gives_1000(ws: WsServer) -> None:
    outcome = app_closes(ws, [], "no-code")
    verify(outcome["code"] == 1000, sent="(after accepting, the app sends {'type': 'websocket.close'})",
           expected="a close frame with code 1000", got=describe_code(outcome["code"]))


@pytest.mark.requirement("ASGI-WS-CLOSE-003")
def test_the_apps_close_reason_reaches_the_client_from_2_3(ws: WsServer) -> None:
    ws.require_version("2.3", "the close event's reason")
    outcome = app_closes(ws, [("code", 4000), ("reason", APP_REASON)], "reason")
    verify(outcome["code"] == 4000 and outcome["reason"] == APP_REASON,
           sent=f"(the app sends websocket.close with code 4000 and reason {APP_REASON!r})",
           expected=f"a close frame with code 4000 and reason {APP_REASON!r}",
           got=f"{describe_code(outcome['code'])}, reason {outcome['reason']!r}")


@pytest.mark.requirement("ASGI-WS-CLOSE-004")
@pytest.mark.parametrize("reason", ["absent", "none"])
def test_a_close_without_a_reason_has_an_empty_one(ws: WsServer, reason: str) -> None:
    params: list[tuple[str, object]] = [("code", 4001)] + ([("reason-none", 1)] if reason == "none" else [])
    outcome = app_closes(ws, params, f"reason-{reason}")
    sent_close = ws.reported(outcome["token"], "close")
    what = "no reason key" if reason == "absent" else "reason None"
    verify(sent_close.get("raised") is None and outcome["code"] == 4001 and outcome["reason"] == "",
           sent=f"(the app sends websocket.close with code 4001 and {what})",
           expected="send() returns, and the client gets code 4001 with an empty reason",
           got=f"send() raised {sent_close['raised']}: {sent_close.get('message')}" if sent_close.get("raised") else
           f"{describe_code(outcome['code'])}, reason {outcome['reason']!r}")


@pytest.mark.requirement("ASGI-WS-CLOSE-005")
def test_the_tcp_connection_ends_after_the_closing_handshake(ws: WsServer) -> None:
    with RawWebSocket(ws.host, ws.port) as client:
        client.open("/close/tcp?code=4002")
        frames = client.frames_until(CLOSE)
        client.send(frame(CLOSE, close_payload(4002)))
        closed = client.closed_within(CLOSE_WAIT)
    verify(frames[-1].close_code() == 4002 and closed,
           sent="(the app closes with 4002); the client answers the server's close frame with its own",
           expected=f"the server ends the TCP connection (waited {CLOSE_WAIT:g} s)",
           got="the connection was still open" if not closed else f"close code {frames[-1].close_code()}")


@pytest.mark.requirement("ASGI-WS-CLOSE-006")
def test_the_app_is_told_of_the_disconnect_after_its_close(ws: WsServer) -> None:
    outcome = app_closes(ws, [("code", 4000)], "code-4000")
    after = ws.reported(outcome["token"], "after-close", timeout=APP_WAITS_AFTER_CLOSE + 3)["message"]
    verify(after.get("type") == "websocket.disconnect",
           sent="(the app sends websocket.close with code 4000, then calls receive())",
           expected="receive() returns websocket.disconnect",
           got=f"receive() gave {after.get('type')} (the app waited {APP_WAITS_AFTER_CLOSE:g} s)")


@pytest.mark.requirement("ASGI-WS-CLOSE-007")
def test_send_after_the_apps_close_raises_oserror_from_2_4(ws: WsServer) -> None:
    ws.require_version("2.4", "an OSError from send() on a closed connection")
    outcome = app_closes(ws, [("code", 4000), ("settle", 1)], "send-after")
    sent_after = ws.reported(outcome["token"], "send-after-close", timeout=APP_WAITS_AFTER_CLOSE + 5)
    verify(sent_after.get("oserror") is True,
           sent="(the app sends websocket.close; once it has received websocket.disconnect and the closing "
                "handshake is over, it sends a message)",
           expected="send() raises a subclass of OSError",
           got=f"send() raised {sent_after['raised']}: {sent_after.get('message')}" if sent_after.get("raised") else
           "send() returned without raising")


# --- the app dies ------------------------------------------------------------------------------------


def end_of(ws: WsServer, target: str) -> tuple[int | None, str]:
    """How a connection to ``target`` ended: the close code (None: no close frame), or 'open'."""
    with ws.open(target) as connection:
        try:
            code, _, _ = close_outcome(connection, timeout=CLOSE_WAIT)
        except TimeoutError:
            return None, "open"
    return code, "closed"


@pytest.mark.requirement("ASGI-WS-CLOSE-009")
def test_an_exception_after_accept_closes_the_connection(ws: WsServer, observe: Callable[[str], None]) -> None:
    code, state = end_of(ws, "/raise?when=after")
    if state == "closed":
        observe(f"an exception after accept: {describe_code(code)}")
    verify(state == "closed", sent="(after accepting, the app raises an exception)",
           expected=f"the server ends the connection (waited {CLOSE_WAIT:g} s); 1011 or a dropped connection "
                    "(1006) would say what happened, but the spec names no code",
           got="the connection stayed open")


@pytest.mark.requirement("ASGI-WS-SCOPE-016")
def test_an_app_that_returns_gets_its_connection_closed(ws: WsServer, observe: Callable[[str], None]) -> None:
    code, state = end_of(ws, "/return")
    if state == "closed":
        observe(f"an app that returned after accept, without a close: {describe_code(code)}")
    verify(state == "closed", sent="(after accepting, the app returns without sending websocket.close)",
           expected=f"the server closes the connection (waited {CLOSE_WAIT:g} s)", got="the connection stayed open")


@pytest.mark.requirement("ASGI-WS-CLOSE-010")
def test_other_connections_are_left_alone(ws: WsServer) -> None:
    with ws.open("/echo/survivor") as survivor:
        survivor.send("before")
        before = survivor.recv(timeout=5.0)
        end_of(ws, "/raise?when=after")
        with RawWebSocket(ws.host, ws.port) as client:
            if client.open("/echo/dropped").status == 101:
                client.drop()
        survivor.send("after")
        try:
            after: object = survivor.recv(timeout=5.0)
        except (TimeoutError, ConnectionClosed) as error:
            after = f"{type(error).__name__}: {error}"
    verify(before == "before" and after == "after",
           sent="an /echo connection sends 'before'; another connection's app raises; a third is dropped; "
                "then the first sends 'after'",
           expected="both messages echoed on the first connection", got=f"echoes {before!r}, {after!r}")


@pytest.mark.requirement("ASGI-WS-CLOSE-008")
def test_whether_data_after_the_apps_close_reaches_the_app_is_reported(ws: WsServer,
                                                                     observe: Callable[[str], None]) -> None:
    token = ws.new_token()
    with RawWebSocket(ws.host, ws.port) as client:
        client.open("/close/late-data?code=4000", [(TOKEN_HEADER, token)])
        frames = client.frames_until(CLOSE)
        try:
            client.send(frame(TEXT, b"late data"))
            client.send(frame(CLOSE, close_payload(4000)))
            written = True
        except OSError:  # the server ended the TCP connection right after its close frame
            written = False
        try:
            after = ws.reported(token, "after-close", timeout=APP_WAITS_AFTER_CLOSE + 3)["message"]
        except RecordTimeout:
            observe("after the app's close and the client's late message, the app reported nothing more: its send() "
                    "of websocket.close did not return (in time)")
            return
    delivered = after.get("type") == "websocket.receive"
    if not written:
        observe("no message could be sent after the app's close: the server ended the TCP connection with its close "
                "frame")
    else:
        observe("a message sent after the app's close " + (
            "reached the app (websocket.receive)" if delivered else
            f"was dropped (the app's receive() gave {after.get('type')})"))
    verify(frames[-1].close_code() == 4000 and after.get("type") in ("websocket.receive", "websocket.disconnect"),
           sent="(the app closes with 4000); the client sends a text message, then its own close frame",
           expected="receive() gives the message (websocket.receive) or websocket.disconnect: either is allowed",
           got=f"close code {frames[-1].close_code()}; receive() gave {after.get('type')}")


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
