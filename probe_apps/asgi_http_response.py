"""ASGI probe scenarios of the HTTP response (www.rst, "Response Start", "Response Body"): what the
server writes for the events the app sends, and for an app that sends nothing, or goes on after.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a body sent in N events with more_body;
                   &length=1 adds its content-length, &empty=1 an empty event between parts,
                   &hold=S waits S seconds between the start and the first part
  /respond         ?status=N&body=TEXT (or body64=BASE64)&header=NAME:VALUE (repeatable, kept
                   in order)&length=1 (adds content-length)&trailers=0|1 (the start's trailers
                   key)&omit=headers|body (start without a headers key, or a body event with no
                   keys at all)
  /silent          reads the request, then returns without sending anything
  /send-after-complete  answers, then sends one more body event; reports whether send raised
  /linger          ?seconds=S: a complete response, then the app goes on for S seconds
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qsl

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token
    from probe_apps.recording import record
    from probe_apps.running import sleep
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]
    from running import sleep  # type: ignore[no-redef]


@scenario("/stream")
async def stream(scope: Scope, receive: Receive, send: Send) -> None:
    query = params(scope)
    chunks, size = int(query.get("chunks", "3")), int(query.get("size", "16"))
    gap = float(query.get("gap", "0"))
    await read_body(receive)
    headers = [(b"content-type", b"application/octet-stream")]
    if query.get("length"):
        headers.append((b"content-length", b"%d" % (chunks * size)))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if query.get("hold"):
        await sleep(float(query["hold"]))
    for index in range(chunks):
        if index and gap:
            await sleep(gap)
        if index and query.get("empty"):
            await send({"type": "http.response.body", "body": b"", "more_body": True})
        block = (b"%d" % index).ljust(size, b".")
        await send({"type": "http.response.body", "body": block, "more_body": index < chunks - 1})
    if chunks == 0:
        await send({"type": "http.response.body", "body": b"", "more_body": False})


@scenario("/respond")
async def respond_as_asked(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    query = params(scope)
    body = base64.b64decode(query["body64"]) if "body64" in query else query.get("body", "").encode("latin-1")
    headers = [tuple(part.encode("latin-1") for part in value.split(":", 1))
               for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if key == "header"]
    if query.get("length"):
        headers.append((b"content-length", str(len(body)).encode()))
    start: dict[str, Any] = {"type": "http.response.start", "status": int(query.get("status", "200"))}
    if query.get("omit") != "headers":
        start["headers"] = headers
    if "trailers" in query:
        start["trailers"] = query["trailers"] == "1"
    await send(start)
    await send({"type": "http.response.body"} if query.get("omit") == "body" else
               {"type": "http.response.body", "body": body})


@scenario("/silent")
async def silent(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)


@scenario("/send-after-complete")
async def send_after_complete(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond(send, b"complete")
    try:
        await send({"type": "http.response.body", "body": b"EXTRA-BYTES-AFTER-COMPLETE"})
        outcome = {"raised": None}
    except Exception as error:  # what the server raises is what is reported
        outcome = {"raised": type(error).__name__, "oserror": isinstance(error, OSError)}
    record(token(scope), "send-after-complete", **outcome)


@scenario("/linger")
async def linger(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond(send, b"complete")
    await sleep(float(params(scope).get("seconds", "2")))
