"""The ASGI probe app: one scenario per path, parameters in the query string.

Scenarios (each does one thing; the first path segment picks it):
  lifespan scope   every lifespan event goes to the recorder under the token "lifespan:<instance>",
                   and so does any request served before startup completed;
                   CONFORMANCE_LIFESPAN_DELAY (seconds) delays each `complete`, so a check can
                   tell whether the server waited for it
  /ready           200, for the launcher's readiness probe
  /scope           the scope as typed JSON, with every receive event of the request body
  /echo            the events of the request body and the body itself, as typed JSON
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a body sent in N events with more_body
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import TOKEN_HEADER, instance_token, record
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from recording import TOKEN_HEADER, instance_token, record  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

LIFESPAN_DELAY_ENV = "CONFORMANCE_LIFESPAN_DELAY"

# Set when lifespan.startup arrives, and just before the probe sends lifespan.startup.complete: a
# request that finds the first True and the second False was served before startup completed.
lifespan_started = False
startup_complete_sent = False


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
    else:  # "http", and whatever else a server calls the app with: the probe reports it all
        if lifespan_started and not startup_complete_sent:
            record(instance_token("lifespan"), "http.served-before-startup-complete", path=scope.get("path"))
        path = scope.get("path", "")
        first_segment = "/" + path.lstrip("/").split("/", 1)[0]
        await SCENARIOS.get(first_segment, not_found)(scope, receive, send)


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    global lifespan_started, startup_complete_sent
    token = instance_token("lifespan")
    delay = float(os.environ.get(LIFESPAN_DELAY_ENV, "0") or 0)
    while True:
        message = await receive()
        record(token, str(message.get("type")), scope=describe(scope), message=describe(message))
        if message["type"] == "lifespan.startup":
            lifespan_started = True
            await sleep(delay)
            startup_complete_sent = True
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await sleep(delay)
            record(token, "lifespan.shutdown.complete")
            await send({"type": "lifespan.shutdown.complete"})
            return


def _trio() -> Any:
    """The trio module when the app runs under trio (hypercorn's trio worker), else None.

    The probe imports only the standard library: trio is used only if the server brought it."""
    try:
        asyncio.get_running_loop()
        return None
    except RuntimeError:
        return sys.modules.get("trio")


async def sleep(seconds: float) -> None:
    trio = _trio()
    await (trio.sleep(seconds) if trio else asyncio.sleep(seconds))


def params(scope: Scope) -> dict[str, str]:
    query = scope.get("query_string", b"").decode("latin-1")
    return {k: v[-1] for k, v in parse_qs(query).items()}


def token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if bytes(name).lower() == TOKEN_HEADER.encode():
            return bytes(value).decode("latin-1")
    return None


async def read_body(receive: Receive) -> list[dict[str, Any]]:
    """Receive http.request events until more_body is false (or the client goes)."""
    events = []
    while True:
        message = await receive()
        events.append(message)
        if message.get("type") != "http.request" or not message.get("more_body", False):
            return events


async def respond(send: Send, body: bytes, content_type: bytes = b"text/plain", status: int = 200) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
               (b"x-probe-pid", str(os.getpid()).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def respond_json(send: Send, payload: object) -> None:
    await respond(send, json.dumps(payload).encode("ascii"), b"application/json")


async def ready(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, b"ready")


async def show_scope(scope: Scope, receive: Receive, send: Send) -> None:
    events = await read_body(receive)
    await respond_json(
        send,
        {
            "scope": describe(scope),
            "events": [describe(event) for event in events],
            "startup_complete_sent": startup_complete_sent,
        },
    )


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    events = await read_body(receive)
    body = b"".join(bytes(event.get("body", b"")) for event in events)
    summary = [
        {key: describe(value) for key, value in event.items() if key != "body"}
        | {"body_type": type(event.get("body", b"")).__name__, "body_len": len(event.get("body", b""))}
        for event in events
    ]
    await respond_json(send, {"events": summary, "body": describe(body)})


async def stream(scope: Scope, receive: Receive, send: Send) -> None:
    query = params(scope)
    chunks, size = int(query.get("chunks", "3")), int(query.get("size", "16"))
    gap = float(query.get("gap", "0"))
    await read_body(receive)
    headers = [(b"content-type", b"application/octet-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    for index in range(chunks):
        if index and gap:
            await sleep(gap)
        block = (b"%d" % index).ljust(size, b".")
        await send({"type": "http.response.body", "body": block, "more_body": index < chunks - 1})
    if chunks == 0:
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def record_event(scope: Scope, receive: Receive, send: Send) -> None:
    record(token(scope), params(scope).get("event", "hit"))
    await respond_json(send, {"pid": os.getpid()})


async def crash(scope: Scope, receive: Receive, send: Send) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def hang(scope: Scope, receive: Receive, send: Send) -> None:
    time.sleep(float(params(scope).get("seconds", "30")))  # blocks the loop on purpose
    await respond(send, b"late")


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, b"no such scenario", status=404)


SCENARIOS: dict[str, Callable[[Scope, Receive, Send], Awaitable[None]]] = {
    "/ready": ready,
    "/scope": show_scope,
    "/echo": echo,
    "/stream": stream,
    "/record": record_event,
    "/crash": crash,
    "/hang": hang,
}
