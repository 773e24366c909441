"""Closing a WebSocket from the app's side (www.rst, "Close - send event", "Disconnected Client -
send exception"; asgi.rst, "Error Handling"; RFC 6455 section 7): the app's close code and reason
reaching the client, the TCP connection ended after the closing handshake, the app told of the
disconnect after its close, send() once closed, a message the client sends after the app's close
(reported), an app that raises, and other connections left alone. What the client's leaving
does is test_websocket_disconnect.py's.

What the app sees after its close goes to the recorder: /close reports "close", "after-close" and
"send-after-close" (probe_apps/asgi_websocket_close.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from conformance.checks.asgi.ws import (
    APP_WAITS_AFTER_CLOSE,
    CLOSE_WAIT,
    WsServer,
    close_outcome,
    describe_code,
    end_of,
)
from conformance.checks.per_instance import PerInstance
from conformance.clients.websocket import CLOSE, TEXT, RawWebSocket, close_payload, frame
from conformance.recorder import TOKEN_HEADER, RecordTimeout
from conformance.verify import verify

STILL_OPEN = -1  # no close within the wait
APP_REASON = "bye ✓"

_exchanges: PerInstance[dict[str, Any]] = PerInstance()


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


@pytest.mark.requirement("ASGI-WS-CLOSE-009")
def test_an_exception_after_accept_closes_the_connection(ws: WsServer, observe: Callable[[str], None]) -> None:
    code, state = end_of(ws, "/raise?when=after")
    if state == "closed":
        observe(f"an exception after accept: {describe_code(code)}")
    verify(state == "closed", sent="(after accepting, the app raises an exception)",
           expected=f"the server ends the connection (waited {CLOSE_WAIT:g} s); 1011 or a dropped connection "
                    "(1006) would say what happened, but the spec names no code",
           got="the connection stayed open")


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
