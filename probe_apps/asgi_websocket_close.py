"""ASGI probe WebSocket scenarios of the closing handshake from the app's side (www.rst, "Close";
RFC 6455 section 7): the app's close, its code and reason, what follows it, an app that raises, and
a connection that must survive another's end.

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /echo       accepts; every message goes back as it came (text as text, bytes as bytes)
  /close      ?code=N&reason=TEXT (either may be left out; reason-none=1 sends reason None):
              accepts, closes, then reports what receive() gives and what a send does after it;
              &settle=1 lets the closing handshake end (see close()) before that send
  /raise      ?when=before|after: raises before or after accepting
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import (
        AFTER_CLOSE_WAIT,
        Message,
        Receive,
        Scope,
        Send,
        accept,
        connect,
        event_summary,
        params,
        scenario,
        token,
        try_send,
        until_disconnect,
    )
    from probe_apps.recording import record
    from probe_apps.running import receive_within
except ImportError:  # pragma: no cover
    from asgi_websocket_common import (  # type: ignore[no-redef]
        AFTER_CLOSE_WAIT,
        Message,
        Receive,
        Scope,
        Send,
        accept,
        connect,
        event_summary,
        params,
        scenario,
        token,
        try_send,
        until_disconnect,
    )
    from recording import record  # type: ignore[no-redef]
    from running import receive_within  # type: ignore[no-redef]

SETTLE_WAIT = 1.0  # /close?settle=1: the longest the app waits for the closing handshake to end


@scenario("/echo")
async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)

    async def answer(message: Message) -> None:
        if message.get("bytes") is not None:
            await send({"type": "websocket.send", "bytes": message["bytes"]})
        else:
            await send({"type": "websocket.send", "text": message.get("text")})

    await until_disconnect(scope, receive, send, answer)


@scenario("/close")
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


@scenario("/raise")
async def raise_error(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    if params(scope).get("when", "after") == "before":
        raise RuntimeError("probe: raised before accepting the WebSocket")
    await accept(scope, send)
    raise RuntimeError("probe: raised after accepting the WebSocket")
