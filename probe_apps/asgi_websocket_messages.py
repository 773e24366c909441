"""ASGI probe WebSocket scenarios of messages both ways (www.rst, "Receive", "Send"; RFC 6455
sections 5 and 6): what the app sends, valid and invalid. (What the app receives, /inspect
describes: asgi_websocket_common.py.) The samples are the same on both sides: the checks import
them (through asgi_websocket.py).

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /send       ?kind=NAME (repeatable, in order; see SENDS)&size=N (for large-*)&count=N (for
              sequence): accepts, sends those, then waits for the client to close
  /bad-send   ?kind=neither|both|before-accept: sends an invalid websocket.send (neither text nor
              bytes, both, or before accepting, then accepts), reports "bad-send" (whether it
              raised), then sends the text AFTER_BAD_SEND, then waits for the client to close
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import (
        Message,
        Receive,
        Scope,
        Send,
        accept,
        connect,
        params,
        repeated,
        scenario,
        token,
        try_send,
        until_disconnect,
    )
    from probe_apps.recording import record
except ImportError:  # pragma: no cover
    from asgi_websocket_common import (  # type: ignore[no-redef]
        Message,
        Receive,
        Scope,
        Send,
        accept,
        connect,
        params,
        repeated,
        scenario,
        token,
        try_send,
        until_disconnect,
    )
    from recording import record  # type: ignore[no-redef]

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


@scenario("/send")
async def send_as_asked(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)
    sends = _sends(params(scope))
    for kind in repeated(scope, "kind"):
        for message in sends[kind]:
            await send(message)
    await until_disconnect(scope, receive, send)


@scenario("/bad-send")
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
