"""The ASGI probe's WebSocket scenarios: probe_apps/asgi_probe.py hands every websocket scope here.

Rule: what the client can be told is told on the connection itself (a JSON text message, typed
as in typed.py); what happens when there is no connection left to tell it on (the disconnect
event, what receive() and send() do after a close) goes to the recorder, under the token the
client sent in the X-Probe-Token handshake header. Standard library only, asyncio or trio.

Scenarios (the first path segment picks one; parameters in the query string):
  every scenario that accepts takes ?hold=S (reports "accepting" S seconds after the connect
  event, just before it accepts), &subprotocol=NAME (the accept's subprotocol) and
  &header=NAME:VALUE (repeatable, in order: the accept's headers; without one the accept has no
  headers key at all); a first event other than websocket.connect is reported as "first-event"
  /inspect    accepts; its first message describes the scope and the connect event, then every
              message received is answered with a description of its receive event (keys,
              types, length, sha256, the value itself when short)
  /echo       accepts; every message goes back as it came (text as text, bytes as bytes)
  /send       ?kind=NAME (repeatable, in order; see SENDS)&size=N (for large-*)&count=N (for
              sequence): accepts, sends those, then waits for the client to close
  /close      ?code=N&reason=TEXT (either may be left out; reason-none=1 sends reason None):
              accepts, closes, then reports what receive() gives and what a send does after it;
              &settle=1 lets the closing handshake end (see close()) before that send
  /deny       ?code=N: closes before accepting, then reports what receive() gives
  /deny-http  ?status=N&header=NAME:VALUE&body=TEXT&parts=N&omit=headers|body&then=accept:
              the denial response (websocket.http.response.start and .body, the body cut in
              N parts with more_body), if the scope advertises the extension, else a plain
              close; reports whether it was advertised, whether a websocket.accept after the
              start raised (then=accept), and what receive() gives afterwards
  /raise      ?when=before|after: raises before or after accepting
  /return     accepts, then returns without closing
  /bad-send   ?kind=neither|both|before-accept: sends an invalid websocket.send (neither text nor
              bytes, both, or before accepting, then accepts), reports "bad-send" (whether it
              raised), then sends the text AFTER_BAD_SEND, then waits for the client to close
  /accept-late ?after=S: S seconds after the connect event, accepts (reporting "late-accept":
              whether it raised), then reports what receive() gives ("after-late-accept")
  /reraise    accepts; once the connection ends, sends, and re-raises what send() raised
              (reporting "reraising" with its type, or "send-returned")
After the connection ends, /inspect, /echo and /send report "disconnect" (the event) and
"send-after-disconnect" (what a send then did).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import TOKEN_HEADER, record
    from probe_apps.running import receive_within, sleep
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from recording import TOKEN_HEADER, record  # type: ignore[no-redef]
    from running import receive_within, sleep  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

AFTER_CLOSE_WAIT = 3.0  # seconds the app waits in receive() after its own close or denial
SETTLE_WAIT = 1.0  # /close?settle=1: the longest the app waits for the closing handshake to end
SHORT = 256  # values up to this length are described in full, longer ones by length and sha256
DENIAL_EXTENSION = "websocket.http.response"
TEXT_SAMPLE = "héllo wörld ✓ 🌍"
AFTER_BAD_SEND = "after-the-bad-send"
BYTES_SAMPLE = b"\x00\x01\x7f\x80\xfe\xffbin"


def large_text(size: int) -> str:
    """``size`` characters of text with multi-byte UTF-8 in it, the same on both sides."""
    unit = "0123456789abcdé✓🌍\n"
    return (unit * (size // len(unit) + 1))[:size]


def large_bytes(size: int) -> bytes:
    """``size`` bytes of every value, the same on both sides."""
    return (bytes(range(251)) * (size // 251 + 1))[:size]


def _sends(query: dict[str, str]) -> dict[str, list[Message]]:
    size, count = int(query.get("size", "0")), int(query.get("count", "0"))
    send = "websocket.send"
    return {
        "text": [{"type": send, "text": TEXT_SAMPLE}],
        "bytes": [{"type": send, "bytes": BYTES_SAMPLE}],
        "empty-text": [{"type": send, "text": ""}],
        "empty-bytes": [{"type": send, "bytes": b""}],
        "text-beside-none": [{"type": send, "bytes": None, "text": TEXT_SAMPLE}],
        "bytes-beside-none": [{"type": send, "bytes": BYTES_SAMPLE, "text": None}],
        "large-text": [{"type": send, "text": large_text(size)}],
        "large-bytes": [{"type": send, "bytes": large_bytes(size)}],
        "sequence": [{"type": send, "text": str(index)} for index in range(count)],
    }


# The names /send?kind= takes.
SENDS = tuple(_sends({}))


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    path = scope.get("path", "")
    first_segment = "/" + path.lstrip("/").split("/", 1)[0]
    await SCENARIOS.get(first_segment, inspect)(scope, receive, send)


# --- helpers ----------------------------------------------------------------------------------


def params(scope: Scope) -> dict[str, str]:
    query = (scope.get("query_string") or b"").decode("latin-1")
    return {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}


def repeated(scope: Scope, name: str) -> list[str]:
    query = (scope.get("query_string") or b"").decode("latin-1")
    return [value for key, value in parse_qsl(query, keep_blank_values=True) if key == name]


def header_pairs(scope: Scope) -> list[tuple[bytes, bytes]]:
    return [tuple(part.encode("latin-1") for part in value.split(":", 1))  # type: ignore[misc]
            for value in repeated(scope, "header")]


def token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if bytes(name).lower() == TOKEN_HEADER.encode():
            return bytes(value).decode("latin-1")
    return None


def event_summary(message: Message | None) -> dict[str, Any]:
    """A receive event as the suite reads it: every key with its type; payloads described by
    length and sha256, and in full when short."""
    if message is None:
        return {"type": "nothing"}
    summary: dict[str, Any] = {"type": message.get("type"), "keys": sorted(str(k) for k in message)}
    for key, value in message.items():
        if key == "type":
            continue
        if isinstance(value, (str, bytes, bytearray, memoryview)):
            raw = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else bytes(value)
            entry = {"t": type(value).__name__, "len": len(value), "sha256": hashlib.sha256(raw).hexdigest()}
            if len(value) <= SHORT:
                entry["value"] = describe(value)
            summary[key] = entry
        elif isinstance(value, int) and not isinstance(value, bool) and type(value) is not int:
            # an int subclass (an IntEnum close code): an int to the app, so described as one
            summary[key] = {"t": type(value).__name__, "int_subclass": True, "value": describe(int(value))}
        else:
            summary[key] = {"t": type(value).__name__, "value": describe(value)}
    return summary


async def send_json(send: Send, payload: object) -> None:
    await send({"type": "websocket.send", "text": json.dumps(payload)})


async def try_send(send: Send, message: Message) -> dict[str, Any]:
    """Send, and say what happened: {"raised": None} or the exception's type and kind."""
    try:
        await send(message)
    except Exception as error:  # what the server raises is what is reported
        return {"raised": type(error).__name__, "oserror": isinstance(error, OSError), "message": str(error)[:200]}
    return {"raised": None}


async def connect(scope: Scope, receive: Receive) -> Message:
    """The first event, which must be websocket.connect (anything else is reported)."""
    first = await receive()
    if first.get("type") != "websocket.connect":
        record(token(scope), "first-event", message=event_summary(first))
    return first


async def accept(scope: Scope, send: Send) -> None:
    query = params(scope)
    if "hold" in query:
        await sleep(float(query["hold"]))
        record(token(scope), "accepting")
    message: Message = {"type": "websocket.accept"}
    if "subprotocol" in query:
        message["subprotocol"] = query["subprotocol"]
    headers = header_pairs(scope)
    if headers:
        message["headers"] = headers
    await send(message)


async def until_disconnect(scope: Scope, receive: Receive, send: Send,
                           answer: Callable[[Message], Awaitable[None]] | None = None) -> None:
    """Receive until the connection ends (answering each message if asked), then report the
    disconnect event and what a send does after it."""
    while True:
        message = await receive()
        if message.get("type") != "websocket.receive":
            break
        if answer is not None:
            await answer(message)
    probe_token = token(scope)
    record(probe_token, "disconnect", message=event_summary(message))
    outcome = await try_send(send, {"type": "websocket.send", "text": "sent after the disconnect"})
    record(probe_token, "send-after-disconnect", **outcome)


# --- scenarios --------------------------------------------------------------------------------


async def inspect(scope: Scope, receive: Receive, send: Send) -> None:
    first = await connect(scope, receive)
    await accept(scope, send)
    await send_json(send, {"scope": describe(scope), "connect": event_summary(first)})
    index = 0

    async def answer(message: Message) -> None:
        nonlocal index
        index += 1
        await send_json(send, {"index": index, "event": event_summary(message)})

    await until_disconnect(scope, receive, send, answer)


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)

    async def answer(message: Message) -> None:
        if message.get("bytes") is not None:
            await send({"type": "websocket.send", "bytes": message["bytes"]})
        else:
            await send({"type": "websocket.send", "text": message.get("text")})

    await until_disconnect(scope, receive, send, answer)


async def send_as_asked(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)
    sends = _sends(params(scope))
    for kind in repeated(scope, "kind"):
        for message in sends[kind]:
            await send(message)
    await until_disconnect(scope, receive, send)


async def close(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)
    query = params(scope)
    message: Message = {"type": "websocket.close"}
    if "code" in query:
        message["code"] = int(query["code"])
    if "reason" in query:
        message["reason"] = query["reason"]
    if query.get("reason-none"):
        message["reason"] = None
    probe_token = token(scope)
    record(probe_token, "close", **await try_send(send, message))
    after = await receive_within(receive, AFTER_CLOSE_WAIT)
    record(probe_token, "after-close", message=event_summary(after))
    if query.get("settle"):
        # A server may hand over the disconnect as soon as the app closes, before the client has
        # answered: a second receive() (the end of the connection, or nothing within a second)
        # lets the closing handshake finish, so that the send below is on a closed connection.
        await receive_within(receive, SETTLE_WAIT)
    record(probe_token, "send-after-close", **await try_send(send, {"type": "websocket.send", "text": "too late"}))


async def deny(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    query = params(scope)
    message: Message = {"type": "websocket.close"}
    if "code" in query:
        message["code"] = int(query["code"])
    probe_token = token(scope)
    record(probe_token, "deny", **await try_send(send, message))
    record(probe_token, "after-deny", message=event_summary(await receive_within(receive, AFTER_CLOSE_WAIT)))


async def deny_http(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    probe_token = token(scope)
    advertised = DENIAL_EXTENSION in (scope.get("extensions") or {})
    record(probe_token, "deny-http", advertised=advertised)
    if not advertised:
        await send({"type": "websocket.close"})
    else:
        query = params(scope)
        start: Message = {"type": "websocket.http.response.start", "status": int(query.get("status", "403"))}
        if query.get("omit") != "headers":
            start["headers"] = header_pairs(scope)
        await send(start)
        if query.get("then") == "accept":
            record(probe_token, "accept-after-start", **await try_send(send, {"type": "websocket.accept"}))
        body = query.get("body", "").encode("utf-8")
        parts = max(1, int(query.get("parts", "1")))
        if query.get("omit") == "body":
            await send({"type": "websocket.http.response.body"})
        else:
            step = -(-len(body) // parts) if body else 0
            for index in range(parts):
                piece = body[index * step:(index + 1) * step] if step else b""
                await send({"type": "websocket.http.response.body", "body": piece, "more_body": index < parts - 1})
    record(probe_token, "after-deny-http", message=event_summary(await receive_within(receive, AFTER_CLOSE_WAIT)))


async def raise_error(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    if params(scope).get("when", "after") == "before":
        raise RuntimeError("probe: raised before accepting the WebSocket")
    await accept(scope, send)
    raise RuntimeError("probe: raised after accepting the WebSocket")


async def return_early(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)


async def bad_send(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    kind = params(scope).get("kind", "neither")
    probe_token = token(scope)
    if kind == "before-accept":
        outcome = await try_send(send, {"type": "websocket.send", "text": "sent before the accept"})
        record(probe_token, "bad-send", **outcome, accept=await try_send(send, {"type": "websocket.accept"}))
    else:
        await accept(scope, send)
        message: Message = ({"type": "websocket.send", "text": "both: text", "bytes": b"both: bytes"} if kind == "both"
                            else {"type": "websocket.send"})
        record(probe_token, "bad-send", **await try_send(send, message))
    await try_send(send, {"type": "websocket.send", "text": AFTER_BAD_SEND})
    await until_disconnect(scope, receive, send)


async def accept_late(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await sleep(float(params(scope).get("after", "1")))
    probe_token = token(scope)
    record(probe_token, "late-accept", **await try_send(send, {"type": "websocket.accept"}))
    record(probe_token, "after-late-accept",
           message=event_summary(await receive_within(receive, AFTER_CLOSE_WAIT)))


async def reraise(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)
    while (await receive()).get("type") == "websocket.receive":
        pass
    probe_token = token(scope)
    try:
        await send({"type": "websocket.send", "text": "sent after the disconnect"})
    except Exception as error:
        record(probe_token, "reraising", raised=type(error).__name__, oserror=isinstance(error, OSError))
        raise
    record(probe_token, "send-returned")


SCENARIOS: dict[str, Callable[[Scope, Receive, Send], Awaitable[None]]] = {
    "/inspect": inspect,
    "/echo": echo,
    "/send": send_as_asked,
    "/close": close,
    "/deny": deny,
    "/deny-http": deny_http,
    "/raise": raise_error,
    "/return": return_early,
    "/bad-send": bad_send,
    "/accept-late": accept_late,
    "/reraise": reraise,
}
