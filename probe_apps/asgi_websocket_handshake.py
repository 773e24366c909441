"""ASGI probe WebSocket scenarios of the opening handshake (www.rst, "Connect", "Accept"; RFC 6455
section 4): an app that closes instead of accepting. (The accept's subprotocol and headers are
every accepting scenario's ?subprotocol= and ?header=: asgi_websocket_common.py.)

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /deny       ?code=N: closes before accepting, then reports what receive() gives
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import (
        AFTER_CLOSE_WAIT,
        Message,
        Receive,
        Scope,
        Send,
        connect,
        event_summary,
        params,
        scenario,
        token,
        try_send,
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
        connect,
        event_summary,
        params,
        scenario,
        token,
        try_send,
    )
    from recording import record  # type: ignore[no-redef]
    from running import receive_within  # type: ignore[no-redef]

@scenario("/deny")
async def deny(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    query = params(scope)
    message: Message = {"type": "websocket.close"}
    if "code" in query:
        message["code"] = int(query["code"])
    probe_token = token(scope)
    record(probe_token, "deny", **await try_send(send, message))
    record(probe_token, "after-deny", message=event_summary(await receive_within(receive, AFTER_CLOSE_WAIT)))
