"""ASGI probe WebSocket scenarios of websocket.disconnect, and of sends after it (www.rst,
"Disconnect - receive event", "Disconnected Client - send exception"). (What /inspect, /echo and
/send report once the connection ends is until_disconnect's: asgi_websocket_common.py.)

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /accept-late ?after=S: S seconds after the connect event, accepts (reporting "late-accept":
              whether it raised), then reports what receive() gives ("after-late-accept")
  /reraise    accepts; once the connection ends, sends, and re-raises what send() raised
              (reporting "reraising" with its type, or "send-returned")
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import (
        AFTER_CLOSE_WAIT,
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
    )
    from probe_apps.recording import record
    from probe_apps.running import receive_within, sleep
except ImportError:  # pragma: no cover
    from asgi_websocket_common import (  # type: ignore[no-redef]
        AFTER_CLOSE_WAIT,
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
    )
    from recording import record  # type: ignore[no-redef]
    from running import receive_within, sleep  # type: ignore[no-redef]

@scenario("/accept-late")
async def accept_late(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await sleep(float(params(scope).get("after", "1")))
    probe_token = token(scope)
    record(probe_token, "late-accept", **await try_send(send, {"type": "websocket.accept"}))
    record(probe_token, "after-late-accept",
           message=event_summary(await receive_within(receive, AFTER_CLOSE_WAIT)))


@scenario("/reraise")
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
