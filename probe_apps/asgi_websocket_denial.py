"""ASGI probe WebSocket scenarios of the websocket.http.response extension (extensions.rst): an
HTTP response instead of the handshake.

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /deny-http  ?status=N&header=NAME:VALUE&body=TEXT&parts=N&omit=headers|body&then=accept:
              the denial response (websocket.http.response.start and .body, the body cut in
              N parts with more_body), if the scope advertises the extension, else a plain
              close; reports whether it was advertised, whether a websocket.accept after the
              start raised (then=accept), and what receive() gives afterwards
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
        header_pairs,
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
        header_pairs,
        params,
        scenario,
        token,
        try_send,
    )
    from recording import record  # type: ignore[no-redef]
    from running import receive_within  # type: ignore[no-redef]

DENIAL_EXTENSION = "websocket.http.response"


@scenario("/deny-http")
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
