"""WebSocket messages (www.rst, "WebSocket", "Receive - receive event", "Send - send event"):
text stays text and bytes stay bytes, exactly, both ways (non-ASCII, empty, several MiB, in
order); fragments reassembled into one event; pings answered by the server, and whether it pings
an idle connection (reported); invalid sends (neither payload, both, or before the accept):
send() raises, or nothing made of them reaches the client; and messages both ways over HTTP/2
(RFC 8441 extended CONNECT).

Towards the app, the probe's /inspect answers each message with a description of the receive
event it got (its keys, each value's type, length and sha256, and the value itself when short).
Towards the client, /send sends the messages its query string names (SENDS in
probe_apps/asgi_websocket_messages.py), and /bad-send the invalid ones. Fragments and pings are written
frame by frame by the raw client; the idle connection is on a dedicated instance started by the
adapter's ws_ping launch variant (a short keepalive interval), not applicable without one. Over
HTTP/2, one exchange per transport (see ws_http2.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from conformance.checks.asgi.ws import (
    ABSENT,
    WsServer,
    first_message,
    needs_websocket,
    next_report,
    typed_value,
    websocket_server,
)
from conformance.checks.asgi.ws_http2 import MESSAGE
from conformance.checks.launching import needs_variant
from conformance.clients.raw import WireError
from conformance.clients.websocket import (
    BINARY,
    CLOSE,
    CONTINUATION,
    PING,
    PONG,
    TEXT,
    Frame,
    RawWebSocket,
    close_payload,
    frame,
)
from conformance.recorder import TOKEN_HEADER, Recorder
from conformance.servers import ServerSpec
from conformance.verify import verify
from probe_apps.asgi_websocket import AFTER_BAD_SEND, BYTES_SAMPLE, TEXT_SAMPLE, large_bytes, large_text

LARGE_BYTES = 3 * 1024 * 1024  # 3 MiB
LARGE_CHARS = 2 * 1024 * 1024  # 2 Mi characters of text, about 2.6 MiB in UTF-8
MANY = 200
MESSAGE_TOO_BIG = 1009
BAD_SEND_WAIT = 3.0  # seconds the client waits for the app's message after an invalid send


def reports(ws: WsServer, target: str, messages: list[str | bytes]) -> list[dict[str, Any]]:
    """Send ``messages`` to /inspect...; the receive event the app described for each."""
    with ws.open(target) as connection:
        first_message(connection)
        for message in messages:
            connection.send(message)
        return [next_report(connection)["event"] for _ in messages]


def text_and_bytes(event: dict[str, Any]) -> tuple[Any, Any]:
    return typed_value(event.get("text")), typed_value(event.get("bytes"))


def shown(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False)[:400]


def received_text(event: dict[str, Any], text: str) -> bool:
    value, data = text_and_bytes(event)
    return event.get("type") == "websocket.receive" and type(value) is str and value == text and data in (None, ABSENT)


def received_bytes(event: dict[str, Any], data: bytes) -> bool:
    text, value = text_and_bytes(event)
    return event.get("type") == "websocket.receive" and type(value) is bytes and value == data and \
        text in (None, ABSENT)


@pytest.mark.requirement("ASGI-WS-MSG-001")
def test_a_text_message_reaches_the_app_as_str(ws: WsServer) -> None:
    [event] = reports(ws, "/inspect/text", [TEXT_SAMPLE])
    verify(received_text(event, TEXT_SAMPLE), sent=f"a text message {TEXT_SAMPLE!r}",
           expected=f"websocket.receive with text {TEXT_SAMPLE!r} (a str), bytes None or absent", got=shown(event))


@pytest.mark.requirement("ASGI-WS-MSG-002")
def test_a_binary_message_reaches_the_app_as_bytes(ws: WsServer) -> None:
    [event] = reports(ws, "/inspect/bytes", [BYTES_SAMPLE])
    verify(received_bytes(event, BYTES_SAMPLE), sent=f"a binary message {BYTES_SAMPLE!r}",
           expected=f"websocket.receive with bytes {BYTES_SAMPLE!r}, text None or absent", got=shown(event))


@pytest.mark.requirement("ASGI-WS-MSG-004")
def test_an_empty_text_message_reaches_the_app_as_empty_text(ws: WsServer) -> None:
    [event] = reports(ws, "/inspect/empty-text", [""])
    verify(received_text(event, ""), sent="an empty text message",
           expected="websocket.receive with text '' (a str), bytes None or absent", got=shown(event))


@pytest.mark.requirement("ASGI-WS-MSG-005")
def test_an_empty_binary_message_reaches_the_app_as_empty_bytes(ws: WsServer) -> None:
    [event] = reports(ws, "/inspect/empty-bytes", [b""])
    verify(received_bytes(event, b""), sent="an empty binary message",
           expected="websocket.receive with bytes b'', text None or absent", got=shown(event))


@pytest.mark.requirement("ASGI-WS-MSG-010")
def test_messages_reach_the_app_in_order(ws: WsServer) -> None:
    events = reports(ws, "/inspect/order", [str(index) for index in range(MANY)])
    got = [typed_value(event.get("text")) for event in events]
    wanted = [str(index) for index in range(MANY)]
    first_wrong = next((index for index, (a, b) in enumerate(zip(got, wanted, strict=False)) if a != b), None)
    verify(got == wanted, sent=f"{MANY} text messages '0' to '{MANY - 1}', back to back",
           expected="the app receives them in that order, each once",
           got=f"from message {first_wrong} on: {got[first_wrong:first_wrong + 5]}" if first_wrong is not None else
           f"{len(got)} messages")


def large_outcome(ws: WsServer, target: str, message: str | bytes) -> tuple[dict[str, Any] | None, str]:
    """The app's description of a large message, or how the connection ended if the server
    refused it instead (while the client was still sending it, or after)."""
    with ws.open(target) as connection:
        first_message(connection)
        try:
            connection.send(message)
            return next_report(connection)["event"], ""
        except ConnectionClosed:
            return None, ended(connection)


def ended(connection: ClientConnection) -> str:
    received = connection.protocol.close_rcvd
    return f"close code {received.code}" if received else "a dropped connection (no close frame)"


def refused(kind: str, size: int, how: str) -> None:
    pytest.skip(f"not applicable here: the server refused a {kind} message of {size} bytes with {how} "
                "(a message size limit, which the spec leaves to the server)")


@pytest.mark.requirement("ASGI-WS-MSG-016")
@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_a_large_message_reaches_the_app_whole(ws: WsServer, kind: str) -> None:
    message: str | bytes = large_text(LARGE_CHARS) if kind == "text" else large_bytes(LARGE_BYTES)
    raw = message.encode() if isinstance(message, str) else message
    event, how = large_outcome(ws, f"/inspect/large-{kind}", message)
    if event is None:
        refused(kind, len(raw), how)
    entry = (event or {}).get(kind) or {}
    ok = entry.get("t") == ("str" if kind == "text" else "bytes") and entry.get("len") == len(message) and \
        entry.get("sha256") == hashlib.sha256(raw).hexdigest()
    verify(ok, sent=f"one {kind} message of {len(raw)} bytes",
           expected=f"one websocket.receive with all of it in {kind} (length {len(message)}, same sha256), or a "
                    "refusal that ends the connection", got=shown(event or {}))


# --- fragments and pings (frame by frame) -------------------------------------------------------


def inspect_raw(client: RawWebSocket, target: str) -> None:
    head = client.open(target)
    if head.status != 101:
        raise WireError(f"the handshake to {target} got HTTP {head.status}, not 101")
    client.recv_frame()  # the scope


def until_data(client: RawWebSocket) -> tuple[Frame, list[Frame]]:
    """The next data frame, and the control frames that came before it."""
    control: list[Frame] = []
    while True:
        received = client.recv_frame()
        if received.opcode in (TEXT, BINARY, CONTINUATION):
            return received, control
        control.append(received)


def report_of(received: Frame) -> dict[str, Any]:
    return json.loads(received.payload)["event"] if received.opcode == TEXT else {"frame": received.kind}


@pytest.mark.requirement("ASGI-WS-MSG-006")
def test_a_fragmented_message_reaches_the_app_whole(ws: WsServer) -> None:
    text_parts, binary_parts = ["frag-", "ment-", "ed ✓"], [b"\x00frag", b"\x01ment", b"\xffed"]
    with RawWebSocket(ws.host, ws.port) as client:
        inspect_raw(client, "/inspect/fragments")
        client.send(frame(TEXT, text_parts[0].encode(), fin=False)
                    + frame(CONTINUATION, text_parts[1].encode(), fin=False)
                    + frame(CONTINUATION, text_parts[2].encode()))
        text_event = report_of(until_data(client)[0])
        client.send(frame(BINARY, binary_parts[0], fin=False) + frame(CONTINUATION, binary_parts[1], fin=False)
                    + frame(CONTINUATION, binary_parts[2]))
        binary_event = report_of(until_data(client)[0])
    verify(received_text(text_event, "".join(text_parts)),
           sent=f"a text message in three frames {text_parts} (FIN only on the last)",
           expected=f"one websocket.receive with text {''.join(text_parts)!r}", got=shown(text_event))
    verify(received_bytes(binary_event, b"".join(binary_parts)),
           sent=f"then a binary message in three frames {binary_parts}",
           expected=f"one websocket.receive with bytes {b''.join(binary_parts)!r}", got=shown(binary_event))


@pytest.mark.requirement("ASGI-WS-MSG-007")
def test_a_ping_between_fragments_is_answered_and_splits_nothing(ws: WsServer) -> None:
    with RawWebSocket(ws.host, ws.port) as client:
        inspect_raw(client, "/inspect/ping-in-fragments")
        client.send(frame(TEXT, b"pinged-", fin=False) + frame(PING, b"mid") + frame(CONTINUATION, b"mid-way"))
        reply, control = until_data(client)
    event = report_of(reply)
    pongs = [f.payload for f in control if f.opcode == PONG]
    verify(received_text(event, "pinged-mid-way") and pongs == [b"mid"],
           sent="text frame 'pinged-' (no FIN), PING 'mid', continuation 'mid-way' (FIN)",
           expected="a PONG 'mid', and one websocket.receive with text 'pinged-mid-way'",
           got=f"pongs {pongs}; the app's first event {shown(event)}")


@pytest.mark.requirement("ASGI-WS-MSG-008")
def test_a_ping_is_answered_by_the_server(ws: WsServer) -> None:
    with RawWebSocket(ws.host, ws.port) as client:
        inspect_raw(client, "/inspect/ping")
        client.send(frame(PING, b"probe-ping"))
        client.send(frame(TEXT, b"after the ping"))
        reply, control = until_data(client)
    event = report_of(reply)
    pongs = [f.payload for f in control if f.opcode == PONG]
    verify(pongs == [b"probe-ping"], sent="PING 'probe-ping', then a text message",
           expected="a PONG 'probe-ping' from the server", got=f"frames before the app's answer: "
                                                              f"{[(f.kind, f.payload) for f in control]}")
    verify(received_text(event, "after the ping"), sent="PING 'probe-ping', then a text message 'after the ping'",
           expected="the app's first event is the text message (the ping is the server's business)", got=shown(event))


PING_WAIT = 2.5  # seconds an idle client waits for a ping (a ws_ping variant pings every 0.3 s, or every 1 s)


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


# --- from the app to the client -------------------------------------------------------------------


def sent_by_app(ws: WsServer, name: str, kinds: list[str], messages: int, **params: object) -> list[str | bytes]:
    """What the client receives from /send/NAME?kind=...: the first ``messages`` messages."""
    target = ws.target(f"/send/{name}", [*(("kind", kind) for kind in kinds), *params.items()])
    got: list[str | bytes] = []
    with ws.open(target) as connection:
        try:
            while len(got) < messages:
                got.append(connection.recv(timeout=5.0))
        except (TimeoutError, ConnectionClosed):
            pass  # fewer messages than sent: the check says so
    return got


def kind_of(message: str | bytes | None) -> str:
    if message is None:
        return "no message within 5 s"
    return f"a {'text' if isinstance(message, str) else 'binary'} message {message!r}"


@pytest.mark.requirement("ASGI-WS-MSG-011")
def test_text_from_the_app_reaches_the_client_as_text(ws: WsServer) -> None:
    got = (sent_by_app(ws, "text", ["text"], 1) or [None])[0]
    verify(type(got) is str and got == TEXT_SAMPLE, sent=f"(the app sends websocket.send text={TEXT_SAMPLE!r})",
           expected=f"a text message {TEXT_SAMPLE!r}", got=kind_of(got))


@pytest.mark.requirement("ASGI-WS-MSG-012")
def test_bytes_from_the_app_reach_the_client_as_binary(ws: WsServer) -> None:
    got = (sent_by_app(ws, "bytes", ["bytes"], 1) or [None])[0]
    verify(type(got) is bytes and got == BYTES_SAMPLE, sent=f"(the app sends websocket.send bytes={BYTES_SAMPLE!r})",
           expected=f"a binary message {BYTES_SAMPLE!r}", got=kind_of(got))


@pytest.mark.requirement("ASGI-WS-MSG-013")
def test_a_send_with_one_key_none_sends_the_other(ws: WsServer) -> None:
    got = sent_by_app(ws, "beside-none", ["text-beside-none", "bytes-beside-none"], 2)
    wanted = [TEXT_SAMPLE, BYTES_SAMPLE]
    verify([type(g) for g in got] == [str, bytes] and got == wanted,
           sent="(the app sends {'bytes': None, 'text': TEXT}, then {'bytes': BYTES, 'text': None})",
           expected=f"a text message {TEXT_SAMPLE!r}, then a binary message {BYTES_SAMPLE!r}", got=f"{got!r}")


@pytest.mark.requirement("ASGI-WS-MSG-015")
def test_empty_sends_reach_the_client_as_empty_messages(ws: WsServer) -> None:
    got = sent_by_app(ws, "empty", ["empty-text", "empty-bytes"], 2)
    verify([type(g) for g in got] == [str, bytes] and got == ["", b""],
           sent="(the app sends {'text': ''}, then {'bytes': b''})",
           expected="an empty text message, then an empty binary message",
           got=f"{got!r}" + (" (nothing more within 5 s)" if len(got) < 2 else ""))


@pytest.mark.requirement("ASGI-WS-MSG-018")
def test_the_apps_messages_reach_the_client_in_order(ws: WsServer) -> None:
    got = sent_by_app(ws, "sequence", ["sequence"], MANY, count=MANY)
    wanted = [str(index) for index in range(MANY)]
    verify(got == wanted, sent=f"(the app sends {MANY} text messages '0' to '{MANY - 1}', back to back)",
           expected="the client receives them in that order, each once",
           got=f"{got[:10]} ..." if got != wanted else "")


@pytest.mark.requirement("ASGI-WS-MSG-016")
@pytest.mark.parametrize("kind", ["text", "bytes"])
def test_a_large_message_from_the_app_reaches_the_client_whole(ws: WsServer, kind: str) -> None:
    size = LARGE_CHARS if kind == "text" else LARGE_BYTES
    wanted: str | bytes = large_text(size) if kind == "text" else large_bytes(size)
    target = ws.target(f"/send/large-{kind}", [("kind", f"large-{kind}"), ("size", size)])
    with ws.open(target) as connection:
        try:
            got = connection.recv(timeout=5.0)
        except ConnectionClosed:
            refused(kind, len(wanted.encode() if isinstance(wanted, str) else wanted), ended(connection))
    verify(type(got) is type(wanted) and got == wanted, sent=f"(the app sends one {kind} message of {size} "
                                                             f"{'characters' if kind == 'text' else 'bytes'})",
           expected="the client receives it whole, as one message of its kind",
           got=f"a {type(got).__name__} of length {len(got)}")


# --- invalid sends: what send() does, and what reaches the client -------------------------------------

BAD_SENDS = {
    "neither": "a websocket.send with neither text nor bytes",
    "both": "a websocket.send with both text 'both: text' and bytes b'both: bytes'",
    "before-accept": "a websocket.send (text 'sent before the accept') before accepting, then websocket.accept",
}


def bad_send(ws: WsServer, kind: str) -> dict[str, Any]:
    """/bad-send?kind=...: what the app's send() did, the answer to the handshake, and the data
    frames that came before the app's next message (AFTER_BAD_SEND)."""
    token = ws.new_token()
    target = f"/bad-send/{kind}?kind={kind}"
    data: list[Frame] = []
    with ws.raw() as client:
        head = client.open(target, [(TOKEN_HEADER, token)])
        if head.status == 101:
            try:
                while True:
                    received = client.recv_frame(timeout=BAD_SEND_WAIT)
                    if received.opcode == CLOSE or received.payload == AFTER_BAD_SEND.encode():
                        break
                    if received.opcode in (TEXT, BINARY):
                        data.append(received)
            except WireError:
                pass
            try:
                client.send(frame(CLOSE, close_payload(1000)))
            except OSError:
                pass
    return {"target": target, "head": head, "data": data, "outcome": ws.reported(token, "bad-send")}


def verify_bad_send(exchange: dict[str, Any], kind: str, observe: Callable[[str], None]) -> None:
    outcome, data = exchange["outcome"], exchange["data"]
    raised = outcome.get("raised")
    reached = [f"a {f.kind} frame {f.payload[:60]!r}" for f in data]
    if raised:
        observe(f"send() raised {raised}")
    elif not reached:
        observe(f"send() returned without raising, and nothing of the event reached the client "
                f"(HTTP {exchange['head'].status})")
    verify(bool(raised) or not reached, sent=f"GET {exchange['target']} with Upgrade: websocket; the app sends "
                                             f"{BAD_SENDS[kind]}",
           expected="send() raises (or, if it returns, nothing made of the invalid event reaches the client)",
           got=f"send() returned, and the client got {', '.join(reached)}")


@pytest.mark.requirement("ASGI-WS-MSG-014")
@pytest.mark.parametrize("kind", ["neither", "both"])
def test_a_send_with_neither_or_both_payloads_raises(ws: WsServer, kind: str, observe: Callable[[str], None]) -> None:
    verify_bad_send(bad_send(ws, kind), kind, observe)


@pytest.mark.requirement("ASGI-WS-MSG-017")
def test_a_send_before_the_accept_raises(ws: WsServer, observe: Callable[[str], None]) -> None:
    verify_bad_send(bad_send(ws, "before-accept"), "before-accept", observe)


# --- over HTTP/2 (RFC 8441 extended CONNECT; the exchange of ws_http2.py) -------------------------


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
