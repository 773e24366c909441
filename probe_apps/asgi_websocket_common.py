"""What the ASGI probe's WebSocket scenarios share: the registry they join with
``@scenario("/path")``, the rules and helpers every scenario follows (the connect event, the
accept, what happens once the connection ends), and /inspect, the default for a path that names
no scenario, which the checks of every WebSocket area use.

Rule: what the client can be told is told on the connection itself (a JSON text message, typed
as in typed.py); what happens when there is no connection left to tell it on (the disconnect
event, what receive() and send() do after a close) goes to the recorder, under the token the
client sent in the X-Probe-Token handshake header. Standard library only, asyncio or trio. A
scenario lives in the module of the area whose checks use it most, asgi_websocket_<area>.py,
named after the catalogue file (conformance/requirements/asgi_websocket_<area>.toml);
asgi_websocket.py imports every asgi_websocket_*.py module, so a new one needs no edit elsewhere.

Every scenario that accepts takes ?hold=S (reports "accepting" S seconds after the connect
event, just before it accepts), &subprotocol=NAME (the accept's subprotocol) and
&header=NAME:VALUE (repeatable, in order: the accept's headers; without one the accept has no
headers key at all); a first event other than websocket.connect is reported as "first-event".
After the connection ends, /inspect, /echo and /send report "disconnect" (the event) and
"send-after-disconnect" (what a send then did): see until_disconnect.

Scenarios:
  /inspect    accepts; its first message describes the scope and the connect event, then every
              message received is answered with a description of its receive event (keys,
              types, length, sha256, the value itself when short)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import TOKEN_HEADER, record
    from probe_apps.running import sleep
    from probe_apps.scenarios import Scenarios
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from recording import TOKEN_HEADER, record  # type: ignore[no-redef]
    from running import sleep  # type: ignore[no-redef]
    from scenarios import Scenarios  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Every ASGI WebSocket scenario, by path: each asgi_websocket_*.py module adds its own with @scenario.
SCENARIOS = Scenarios("ASGI WebSocket")
scenario = SCENARIOS.scenario

AFTER_CLOSE_WAIT = 3.0  # seconds the app waits in receive() after its own close or denial
SHORT = 256  # values up to this length are described in full, longer ones by length and sha256


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


@scenario("/inspect")
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
