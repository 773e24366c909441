"""ASGI probe scenarios of the http.request events that carry the request body (www.rst, "Request -
receive event"): what the app receives, event by event.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /echo            the events of the request body and the body itself, as typed JSON
  /digest          the sha256 and length of the request body, and a summary of its events
"""

from __future__ import annotations

import hashlib

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, read_body, respond_json, scenario
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, read_body, respond_json, scenario  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]


@scenario("/echo")
async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    events = await read_body(receive)
    body = b"".join(bytes(event.get("body", b"")) for event in events)
    summary = [
        {key: describe(value) for key, value in event.items() if key != "body"}
        | {"body_type": type(event.get("body", b"")).__name__, "body_len": len(event.get("body", b""))}
        for event in events
    ]
    await respond_json(send, {"events": summary, "body": describe(body)})


@scenario("/digest")
async def digest(scope: Scope, receive: Receive, send: Send) -> None:
    hasher, length, events = hashlib.sha256(), 0, []
    while True:
        message = await receive()
        body = message.get("body", b"")
        if isinstance(body, (bytes, bytearray, memoryview)):
            hasher.update(body)
            length += len(body)
        events.append([message.get("type"), type(body).__name__, len(body), message.get("more_body", "<absent>")])
        if message.get("type") != "http.request" or not message.get("more_body", False):
            break
    await respond_json(send, {"sha256": hasher.hexdigest(), "length": length, "events": events})
