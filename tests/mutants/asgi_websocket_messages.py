"""WebSocket mutants of the messages (conformance/requirements/asgi_websocket_messages.toml): what
the app receives of the client's messages and what the client receives of the app's sends, over
HTTP/1.1 and HTTP/2.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Unanswered pings are the server's own fault (ws_shims.py); the building blocks are in ws_middleware.py.
"""

from __future__ import annotations

from collections.abc import Callable

from probe_apps.asgi_probe import app as probe
from tests.configurations import HYPERCORN, HYPERCORN_TLS
from tests.mutants.declare import breaks
from tests.mutants.ws_middleware import Message, Receive, Scope, Send, receives, sends, ws_mutant

# --- what the app receives ----------------------------------------------------------------------


def _data(change: Callable[[Message], list[Message]]) -> Callable[[Message], list[Message]]:
    return lambda message: change(message) if message["type"] == "websocket.receive" else [message]


def _text_as_bytes(message: Message) -> list[Message]:
    if message.get("text") is not None:
        return [{"type": "websocket.receive", "bytes": message["text"].encode()}]
    return [message]


def _bytes_as_text(message: Message) -> list[Message]:
    if message.get("bytes") is not None:
        return [{"type": "websocket.receive", "text": message["bytes"].decode("latin-1")}]
    return [message]


def _split_in_two(message: Message) -> list[Message]:
    key = "text" if message.get("text") is not None else "bytes"
    value = message[key]
    if len(value) < 2:
        return [message]
    half = len(value) // 2
    return [{"type": "websocket.receive", key: value[:half]}, {"type": "websocket.receive", key: value[half:]}]


def _last_byte_lost(message: Message) -> list[Message]:
    key = "text" if message.get("text") is not None else "bytes"
    if len(message[key]) > 1024 * 1024:
        return [{"type": "websocket.receive", key: message[key][:-1]}]
    return [message]


def _pairs_swapped(receive: Receive) -> Receive:
    held: list[Message] = []

    async def swapped() -> Message:
        if held:
            return held.pop()
        first = await receive()
        if first["type"] != "websocket.receive":
            return first
        second = await receive()
        held.append(first)
        return second

    return swapped


ws_text_received_as_bytes = breaks("ASGI-WS-MSG-001", only=["test_a_text_message_reaches_the_app_as_str"])(
    receives(_data(_text_as_bytes), path="/inspect/text"))
ws_bytes_received_as_text = breaks("ASGI-WS-MSG-002")(receives(_data(_bytes_as_text), path="/inspect/bytes"))
ws_empty_text_received_as_bytes = breaks("ASGI-WS-MSG-004")(receives(_data(_text_as_bytes), path="/inspect/empty-text"))
ws_empty_bytes_received_as_text = breaks("ASGI-WS-MSG-005")(
    receives(_data(_bytes_as_text), path="/inspect/empty-bytes"))
ws_messages_split = breaks("ASGI-WS-MSG-006", also=["test_a_ping_between_fragments_is_answered_and_splits_nothing"])(
    receives(_data(_split_in_two)))
ws_large_messages_cut = breaks("ASGI-WS-MSG-016", only=["test_a_large_message_reaches_the_app_whole"])(
    receives(_data(_last_byte_lost)))
ws_received_out_of_order = breaks("ASGI-WS-MSG-010")(
    ws_mutant(lambda scope, receive, send: (scope, _pairs_swapped(receive), send), path="/inspect/order"))
ws_h2_text_received_as_bytes = breaks("ASGI-WS-MSG-001", only=["test_messages_go_both_ways_over_http2"],
                                      server=HYPERCORN, variants=HYPERCORN_TLS)(
    receives(_data(_text_as_bytes), path="/inspect/h2"))


# --- what the client receives -------------------------------------------------------------------


def _text_sent_as_bytes(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and message.get("text") is not None:
        return {"type": "websocket.send", "bytes": message["text"].encode()}
    return message


def _bytes_sent_as_text(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and message.get("bytes") is not None:
        return {"type": "websocket.send", "text": message["bytes"].decode("latin-1")}
    return message


def _bytes_key_wins(scope: Scope, message: Message) -> Message:
    if message["type"] == "websocket.send" and "bytes" in message:
        return {"type": "websocket.send", "bytes": message["bytes"] or b""}
    return message


def _empty_sends_dropped(scope: Scope, message: Message) -> Message | None:
    if message["type"] == "websocket.send" and not (message.get("text") or message.get("bytes")):
        return None
    return message


def _large_sends_cut(scope: Scope, message: Message) -> Message:
    for key in ("text", "bytes"):
        if message["type"] == "websocket.send" and len(message.get(key) or "") > 1024 * 1024:
            return {"type": "websocket.send", key: message[key][:-1]}
    return message


def _sends_out_of_order(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    held: list[Message] = []

    async def swapping(message: Message) -> None:
        if message["type"] != "websocket.send":
            while held:
                await send(held.pop())
            await send(message)
        elif held:
            await send(message)
            await send(held.pop())
        else:
            held.append(message)

    return scope, receive, swapping


ws_text_sent_as_bytes = breaks("ASGI-WS-MSG-011", only=["test_text_from_the_app_reaches_the_client_as_text"])(
    sends(_text_sent_as_bytes, path="/send/text"))
ws_bytes_sent_as_text = breaks("ASGI-WS-MSG-012")(sends(_bytes_sent_as_text, path="/send/bytes"))
ws_bytes_key_wins = breaks("ASGI-WS-MSG-013")(sends(_bytes_key_wins, path="/send/beside-none"))
ws_empty_sends_dropped = breaks("ASGI-WS-MSG-015")(sends(_empty_sends_dropped, path="/send/empty"))
ws_large_sends_cut = breaks("ASGI-WS-MSG-016", only=["test_a_large_message_from_the_app_reaches_the_client_whole"])(
    sends(_large_sends_cut))
ws_sent_out_of_order = breaks("ASGI-WS-MSG-018")(ws_mutant(_sends_out_of_order, path="/send/sequence"))


# --- invalid sends ------------------------------------------------------------------------------


def _invalid_send_guessed(scope: Scope, message: Message) -> Message:
    """A websocket.send without exactly one payload goes out as a guess instead of raising."""
    if message["type"] == "websocket.send" and (message.get("text") is None) == (message.get("bytes") is None):
        return {"type": "websocket.send", "text": message.get("text") or ""}
    return message


def _send_accepts(scope: Scope, receive: Receive, send: Send) -> tuple[Scope, Receive, Send]:
    """A websocket.send before the accept completes the handshake (as ASGI servers before 2.0 did)."""
    accepted = False

    async def accepting(message: Message) -> None:
        nonlocal accepted
        if message["type"] == "websocket.accept" and accepted:
            return
        if message["type"] == "websocket.send" and not accepted:
            await send({"type": "websocket.accept"})
        accepted = accepted or message["type"] in ("websocket.send", "websocket.accept")
        await send(message)

    return scope, receive, accepting


ws_invalid_send_guessed = breaks("ASGI-WS-MSG-014")(sends(_invalid_send_guessed, path="/bad-send/"))
ws_send_before_accept_accepts = breaks("ASGI-WS-MSG-017")(ws_mutant(_send_accepts, path="/bad-send/before-accept"))


# --- pings --------------------------------------------------------------------------------------


@breaks("ASGI-WS-MSG-009", observes="no ping",
        variants={"ws_ping": "uvicorn --host {host} --port {port} --http h11 {app}"})
async def ws_no_pings(scope: Scope, receive: Receive, send: Send) -> None:
    """The probe as it is: its ws_ping variant is uvicorn with the default ping interval (20 s),
    so no ping comes while the check waits."""
    await probe(scope, receive, send)
