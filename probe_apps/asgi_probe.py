"""The ASGI probe app: one scenario per path, parameters in the query string.

Scenarios (each does one thing; the first path segment picks it):
  lifespan scope   every lifespan event goes to the recorder under the token "lifespan:<instance>",
                   and so does any request served before startup completed;
                   CONFORMANCE_LIFESPAN_DELAY (seconds) delays each `complete`, so a check can
                   tell whether the server waited for it
                   CONFORMANCE_LIFESPAN picks how the app answers: "" (completes), "raise"
                   (raises at once), "raise-after-startup" (raises on lifespan.startup),
                   "startup-failed" / "shutdown-failed" (sends that event with a message; with
                   "-bare" appended, without one);
                   where the scope has `state`, startup puts "probe.lifespan" and a shared
                   list "probe.bucket" in it, and "probe.late" right after startup.complete
  CONFORMANCE_ASGI_STYLE=legacy  the module's `app` is the probe in the legacy (ASGI 2,
                   double-callable) form, which reports each of its two calls
  /ready           200, for the launcher's readiness probe
  /scope           the scope as typed JSON, with every receive event of the request body
  /echo            the events of the request body and the body itself, as typed JSON
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a body sent in N events with more_body;
                   &length=1 adds its content-length, &empty=1 an empty event between parts,
                   &hold=S waits S seconds between the start and the first part
  /digest          the sha256 and length of the request body, and a summary of its events
  /respond         ?status=N&body=TEXT (or body64=BASE64)&header=NAME:VALUE (repeatable, kept
                   in order)&length=1 (adds content-length)&trailers=0|1 (the start's trailers
                   key)&omit=headers|body (start without a headers key, or a body event with no
                   keys at all)
  /raise           ?when=before|after[&length=N]: raises before http.response.start, or after
                   the start and a first part of the body (content-length N if given)
  /silent          reads the request, then returns without sending anything
  /after-response  answers, then reports (recorder) what two further receive() calls return;
                   ?read=0 answers without reading the request body first
  /linger          ?seconds=S: a complete response, then the app goes on for S seconds
  /bad-send        ?kind=NAME: one of BAD_SENDS (an invalid event), reports whether send()
                   raised, then answers properly if it still can
  /loop            which process and event loop run the request (compared with lifespan's)
  /send-after-complete  answers, then sends one more body event; reports whether send raised
  /wait-disconnect reads the request, reports "waiting", then reports what receive() returns
                   when the client hangs up, what a second receive() returns, and what a send
                   afterwards does (the exception, if any, is re-raised into the server)
  /upload-watch    reports the first http.request event as it arrives, and all of them once the
                   body ends or the client goes
  /stream-until-disconnect  streams a part every 50 ms, listening in receive() between parts;
                   reports what receive() gave (http.disconnect once the client hangs up)
  /pathsend        ?size=N: a file of N known bytes (pathsend_content) sent with
                   http.response.pathsend, content-type application/x-probe; 501 where the scope
                   does not advertise the extension; &mix=body sends a body part first, &mix=twice
                   the pathsend twice, and reports whether the second send() raised
  /trailers        ?delay=S&more=1: a body, S seconds, then trailers (x-probe-trailer: yes; with
                   more=1 first x-probe-trailer-1: first, more_trailers true), where the scope
                   advertises http.response.trailers; 501 otherwise
  /push            pushes /record with the request's token (http.response.push between start and
                   body) where the scope advertises the extension; 501 otherwise; ?bad=bytes-path
                   makes the push's path bytes, ?bad=pseudo-header adds a :path header to it
  /early-hint      ?when=before|after&times=N: N early hints before or after the response start, where the
                   scope advertises http.response.early_hint (501 otherwise); the body ends with
                   "accepted" or the name of the exception send() raised
  /flood           ?mib=N: N MiB in 64 KiB parts as fast as send() returns, each MiB reported,
                   then how it ended (all sent, or what send() raised)
  /state           the request scope's `state`; ?mutate=1 then changes the copy (a top-level
                   key, and the shared list "probe.bucket")
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
  /runtime         what runs the app: whether an asyncio loop is running, its class, the thread
                   (also in every lifespan record, under "runtime")
  /reraise-after-disconnect  starts a response, waits for http.disconnect, then sends body parts
                   until send() raises (at most 50, 10 ms apart); reports what it raised and
                   re-raises it into the server
  /zerocopy        ?case=NAME: one of ZEROCOPY_CASES (http.response.zerocopysend of a file of
                   known bytes, zerocopy_content); 501 where the scope does not advertise it
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs, parse_qsl

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps import asgi_websocket
    from probe_apps.recording import TOKEN_HEADER, instance_token, record
    from probe_apps.running import receive_within, running_trio, sleep
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    import asgi_websocket  # type: ignore[no-redef]
    from recording import TOKEN_HEADER, instance_token, record  # type: ignore[no-redef]
    from running import receive_within, running_trio, sleep  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

LIFESPAN_DELAY_ENV = "CONFORMANCE_LIFESPAN_DELAY"
LIFESPAN_MODE_ENV = "CONFORMANCE_LIFESPAN"
STARTUP_FAILED_MESSAGE = "probe-startup-failed: the probe app refused to start"
SHUTDOWN_FAILED_MESSAGE = "probe-shutdown-failed: the probe app could not clean up"

# Set when lifespan.startup arrives, and just before the probe sends lifespan.startup.complete: a
# request that finds the first True and the second False was served before startup completed.
lifespan_started = False
startup_complete_sent = False


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await lifespan(scope, receive, send)
    elif scope["type"] == "websocket":  # the WebSocket scenarios: probe_apps/asgi_websocket.py
        await asgi_websocket.app(scope, receive, send)
    else:  # "http", and whatever else a server calls the app with: the probe reports it all
        if lifespan_started and not startup_complete_sent:
            record(instance_token("lifespan"), "http.served-before-startup-complete", path=scope.get("path"))
        path, root = scope.get("path", ""), scope.get("root_path") or ""
        while root.strip("/") and path.startswith(root):  # a server may leave the mount point in path
            path = path[len(root):]
        first_segment = "/" + path.lstrip("/").split("/", 1)[0]
        await SCENARIOS.get(first_segment, not_found)(scope, receive, send)


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
    global lifespan_started, startup_complete_sent
    token = instance_token("lifespan")
    delay = float(os.environ.get(LIFESPAN_DELAY_ENV, "0") or 0)
    mode = os.environ.get(LIFESPAN_MODE_ENV, "")
    record(token, "lifespan.invoked", mode=mode)
    if mode == "raise":
        raise RuntimeError("probe: this app does not do lifespan (raised on the lifespan scope)")
    while True:
        message = await receive()
        record(token, str(message.get("type")), scope=describe(scope), message=describe(message), loop=loop_id(),
               runtime=runtime())
        if message["type"] == "lifespan.startup":
            if mode == "raise-after-startup":
                raise RuntimeError("probe: raised on lifespan.startup")
            if mode.startswith("startup-failed"):
                failed = {"type": "lifespan.startup.failed", "message": STARTUP_FAILED_MESSAGE}
                await send(failed if mode == "startup-failed" else {"type": failed["type"]})
                return
            lifespan_started = True
            if isinstance(scope.get("state"), dict):
                scope["state"]["probe.lifespan"] = "set-at-startup"
                scope["state"]["probe.bucket"] = []
            await sleep(delay)
            startup_complete_sent = True
            await send({"type": "lifespan.startup.complete"})
            if isinstance(scope.get("state"), dict):  # added after startup: seen only by per-request copies
                scope["state"]["probe.late"] = "added-after-startup-complete"
        elif message["type"] == "lifespan.shutdown":
            await sleep(delay)
            if mode.startswith("shutdown-failed"):
                record(token, "lifespan.shutdown.failed")
                failed = {"type": "lifespan.shutdown.failed", "message": SHUTDOWN_FAILED_MESSAGE}
                await send(failed if mode == "shutdown-failed" else {"type": failed["type"]})
                return
            record(token, "lifespan.shutdown.complete")
            await send({"type": "lifespan.shutdown.complete"})
            return


def runtime() -> dict[str, Any]:
    """What runs this code: a running asyncio loop (and its class), and on which thread."""
    try:
        loop: Any = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    return {"asyncio": loop is not None, "loop": type(loop).__module__ + "." + type(loop).__qualname__ if loop else
            None, "main_thread": threading.current_thread() is threading.main_thread(),
            "thread": threading.current_thread().name, "trio": running_trio() is not None}


def loop_id() -> str:
    """Which event loop runs this code: the process and the loop (or trio run) object."""
    trio = running_trio()
    loop = trio.lowlevel.current_trio_token() if trio else asyncio.get_running_loop()
    return f"{os.getpid()}:{id(loop)}"


def received(message: dict[str, Any] | None) -> str:
    """How a record names what receive() gave: its type, or that nothing came."""
    return "nothing" if message is None else str(message.get("type"))


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


async def raise_error(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    query = params(scope)
    if query.get("when") == "after":
        headers = [(b"content-type", b"text/plain")]
        if "length" in query:
            headers.append((b"content-length", query["length"].encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"partial", "more_body": True})
        raise RuntimeError("probe: raised after the response started")
    raise RuntimeError("probe: raised before http.response.start")


async def silent(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)


async def after_response(scope: Scope, receive: Receive, send: Send) -> None:
    if params(scope).get("read", "1") != "0":
        await read_body(receive)
    await respond(send, b"done")
    started = time.monotonic()
    first = await receive_within(receive, 5.0)
    record(token(scope), "after-response.receive", got=received(first), after=time.monotonic() - started)
    second = await receive_within(receive, 1.0)
    record(token(scope), "after-response.receive-again", got=received(second))


async def linger(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond(send, b"complete")
    await sleep(float(params(scope).get("seconds", "2")))


# Invalid send events (asgi.rst "Error Handling"), by name: what /bad-send sends before a
# proper response, and what it reports to the recorder (whether send() raised).
BAD_SENDS: dict[str, list[dict[str, Any]]] = {
    "unknown-type": [{"type": "http.response.bogus"}],
    "missing-status": [{"type": "http.response.start", "headers": []}],
    "str-headers": [{"type": "http.response.start", "status": 200, "headers": [("content-type", "text/plain")]}],
    "str-body": [{"type": "http.response.start", "status": 200, "headers": []},
                 {"type": "http.response.body", "body": "a str, not bytes"}],
    "body-before-start": [{"type": "http.response.body", "body": b"early", "more_body": True}],
    "second-start": [{"type": "http.response.start", "status": 200, "headers": [(b"x-probe-start", b"first")]},
                     {"type": "http.response.start", "status": 404, "headers": [(b"x-probe-start", b"second")]}],
    "extra-key": [{"type": "http.response.start", "status": 200, "headers": [], "x-probe-extra": 1},
                  {"type": "http.response.body", "body": b"extra keys", "x-probe-extra": 1}],
}


async def bad_send(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    messages = BAD_SENDS[params(scope).get("kind", "unknown-type")]
    raised, started = None, False
    for message in messages:
        try:
            await send(message)
            started = started or message["type"] == "http.response.start"
        except Exception as error:  # what the server raises is what is reported
            raised = type(error).__name__
            break
    record(token(scope), "bad-send", raised=raised, sent=len(messages))
    try:  # then answer properly, if the server still lets the app
        if not started or raised:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"answered after the bad send"})
    except Exception:
        pass


async def loop_of_request(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond_json(send, {"loop": loop_id()})


async def send_after_complete(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond(send, b"complete")
    try:
        await send({"type": "http.response.body", "body": b"EXTRA-BYTES-AFTER-COMPLETE"})
        outcome = {"raised": None}
    except Exception as error:  # what the server raises is what is reported
        outcome = {"raised": type(error).__name__, "oserror": isinstance(error, OSError)}
    record(token(scope), "send-after-complete", **outcome)


async def wait_disconnect(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    probe_token = token(scope)
    record(probe_token, "waiting")
    started = time.monotonic()
    first = await receive_within(receive, 5.0)
    record(probe_token, "wait-disconnect.receive", got=received(first), after=time.monotonic() - started)
    second = await receive_within(receive, 1.0)
    record(probe_token, "wait-disconnect.receive-again", got=received(second))
    try:
        await respond(send, b"too late")
    except Exception as error:
        record(probe_token, "wait-disconnect.send", raised=type(error).__name__, oserror=isinstance(error, OSError))
        raise
    record(probe_token, "wait-disconnect.send", raised=None)


async def stream_until_disconnect(scope: Scope, receive: Receive, send: Send) -> None:
    """Streams a part every 50 ms, listening in receive() between parts, until told of a disconnect."""
    await read_body(receive)
    probe_token = token(scope)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    for index in range(200):
        try:
            await send({"type": "http.response.body", "body": b"part %d\n" % index, "more_body": True})
        except Exception as error:  # a 2.4 server may raise once the client has gone
            record(probe_token, "streaming.send-raised", raised=type(error).__name__, parts=index)
        message = await receive_within(receive, 0.05)
        if message is not None:
            record(probe_token, "streaming.received", got=received(message), parts=index + 1)
            return
    record(probe_token, "streaming.received", got="nothing", parts=200)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


def pathsend_content(size: int) -> bytes:
    """The bytes of the file /pathsend sends (the check computes the same)."""
    block = hashlib.sha256(b"conformance pathsend").digest()
    return (block * (size // len(block) + 1))[:size]


async def pathsend(scope: Scope, receive: Receive, send: Send) -> None:
    """Sends a file with http.response.pathsend where the scope advertises it; 501 otherwise."""
    await read_body(receive)
    if "http.response.pathsend" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.pathsend is not advertised", status=501)
        return
    size = int(params(scope).get("size", "100000"))
    path = os.path.join(tempfile.gettempdir(), f"conformance-pathsend-{size}.bin")
    if not os.path.exists(path):
        with open(path + f".{os.getpid()}", "wb") as file:
            file.write(pathsend_content(size))
        os.replace(path + f".{os.getpid()}", path)
    headers = [(b"content-type", b"application/x-probe"), (b"content-length", str(size).encode())]
    mix = params(scope).get("mix")
    if mix == "body":
        headers = headers[:1]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if not mix:
        await send({"type": "http.response.pathsend", "path": path})
        return
    raised = None
    try:  # the invalid event: a pathsend after a body event, or a second pathsend
        if mix == "body":
            await send({"type": "http.response.body", "body": b"before the file ", "more_body": True})
        else:
            await send({"type": "http.response.pathsend", "path": path})
        await send({"type": "http.response.pathsend", "path": path})
    except Exception as error:  # reported, judged by the check
        raised = type(error).__name__
    record(token(scope), "pathsend.mix", raised=raised)
    if raised and mix == "body":
        with contextlib.suppress(Exception):  # ends the response the failed pathsend left open
            await send({"type": "http.response.body", "body": b"", "more_body": False})


async def trailers(scope: Scope, receive: Receive, send: Send) -> None:
    """A body, then trailers, where the scope advertises http.response.trailers; 501 otherwise."""
    await read_body(receive)
    if "http.response.trailers" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.trailers is not advertised", status=501)
        return
    query = params(scope)
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")],
             "trailers": True}
    await send(start)
    await send({"type": "http.response.body", "body": b"body before trailers"})
    await sleep(float(query.get("delay", "0")))
    if query.get("more"):
        await send({"type": "http.response.trailers", "headers": [(b"x-probe-trailer-1", b"first")],
                    "more_trailers": True})
    await send({"type": "http.response.trailers", "headers": [(b"x-probe-trailer", b"yes")]})


async def push(scope: Scope, receive: Receive, send: Send) -> None:
    """Pushes /record (the request's token in the push headers) between the start and the body,
    where the scope advertises http.response.push; 501 otherwise."""
    await read_body(receive)
    if "http.response.push" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.push is not advertised", status=501)
        return
    probe_token = token(scope) or ""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    bad = params(scope).get("bad")
    push_message = {"type": "http.response.push", "path": b"/record" if bad == "bytes-path" else "/record",
                    "headers": [(TOKEN_HEADER.encode(), probe_token.encode())]
                    + ([(b":path", b"/elsewhere")] if bad == "pseudo-header" else [])}
    try:
        await send(push_message)
        raised = None
    except Exception as error:  # what the server raises is what is reported
        raised = type(error).__name__
    record(probe_token, "push.sent", raised=raised)
    await send({"type": "http.response.body", "body": b"the pushing response"})


async def early_hint(scope: Scope, receive: Receive, send: Send) -> None:
    """An early hint (Link: </probe.css>; rel=preload), ?when=before|after the response start
    (&times=N: N hints in a row), where the scope advertises http.response.early_hint; 501
    otherwise. Whether send() raised is in the x-probe-early-hint response header."""
    await read_body(receive)
    if "http.response.early_hint" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.early_hint is not advertised", status=501)
        return
    hint = {"type": "http.response.early_hint", "links": [b"</probe.css>; rel=preload; as=style"]}
    outcome = b"accepted"
    times = int(params(scope).get("times", "1"))
    if params(scope).get("when") == "before":
        try:
            for _ in range(times):
                await send(hint)
        except Exception as error:  # reported, not judged
            outcome = type(error).__name__.encode()
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    if params(scope).get("when") != "before":
        start["headers"].append((b"x-probe-early-hint", b"sent-after-start"))
        await send(start)
        try:
            for _ in range(times):
                await send(hint)
        except Exception as error:
            outcome = type(error).__name__.encode()
        await send({"type": "http.response.body", "body": b"early hint " + outcome})
        return
    start["headers"].append((b"x-probe-early-hint", outcome))
    await send(start)
    await send({"type": "http.response.body", "body": b"early hint " + outcome})


async def flood(scope: Scope, receive: Receive, send: Send) -> None:
    """Streams ?mib=N MiB in 64 KiB parts as fast as send() returns, reporting each MiB, then
    reports how it ended: every part sent, or send() raised."""
    await read_body(receive)
    probe_token, part = token(scope), b"x" * 65536
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    sent, raised = 0, None
    try:
        for _ in range(int(params(scope).get("mib", "64")) * 16):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            sent += 1
            if sent % 16 == 0:
                record(probe_token, "flood.progress", mib=sent // 16)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except Exception as error:  # a 2.4 server raises once the client has gone
        raised = type(error).__name__
    record(probe_token, "flood.done", parts=sent, raised=raised)


async def upload_watch(scope: Scope, receive: Receive, send: Send) -> None:
    probe_token = token(scope)
    record(probe_token, "upload-watch.started")
    events = []
    while True:
        message = await receive_within(receive, 5.0)
        if message is None:
            events.append({"type": "nothing"})
            break
        body = message.get("body", b"")
        events.append({"type": message.get("type"), "length": len(body), "more_body": message.get("more_body", False)})
        if len(events) == 1:
            record(probe_token, "upload-watch.first", **events[0])
        if message.get("type") != "http.request" or not message.get("more_body", False):
            break
    record(probe_token, "upload-watch.done", events=events)
    if events[-1]["type"] == "http.request":
        await respond(send, b"complete upload")


async def show_state(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    state = scope.get("state")
    payload = {"present": "state" in scope, "state": describe(state)}
    if params(scope).get("mutate") and isinstance(state, dict):
        state["probe.lifespan"] = "changed-by-a-request"
        state["probe.added"] = "added-by-a-request"
        if isinstance(state.get("probe.bucket"), list):
            state["probe.bucket"].append("appended-by-a-request")
    await respond_json(send, payload)


async def show_runtime(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond_json(send, runtime())


async def reraise_after_disconnect(scope: Scope, receive: Receive, send: Send) -> None:
    """Starts a response, waits for http.disconnect, then sends parts until send() raises; re-raises."""
    await read_body(receive)
    probe_token = token(scope)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"started", "more_body": True})
    record(probe_token, "waiting")
    message = await receive_within(receive, 5.0)
    for attempt in range(50):
        try:
            await send({"type": "http.response.body", "body": b"after the client left", "more_body": True})
        except Exception as error:
            record(probe_token, "reraise.send", got=received(message), raised=type(error).__name__,
                   module=type(error).__module__, attempts=attempt + 1)
            raise
        await sleep(0.01)
    record(probe_token, "reraise.send", got=received(message), raised=None, attempts=50)


def zerocopy_content(size: int) -> bytes:
    """The bytes of the file /zerocopy sends (the check computes the same)."""
    block = hashlib.sha256(b"conformance zerocopysend").digest()
    return (block * (size // len(block) + 1))[:size]


ZEROCOPY_SIZE = 1000
# What /zerocopy?case=NAME sends after its start: ("body", bytes, more_body), ("seek", position) or
# ("zerocopy", offset, count, more_body), None meaning the key is left out.
ZEROCOPY_CASES: dict[str, list[tuple[Any, ...]]] = {
    "mixed": [("body", b"HEAD-", True), ("zerocopy", 0, 5, True), ("zerocopy", 5, 5, True), ("body", b"-TAIL", False)],
    "offset": [("zerocopy", 10, 20, False)],
    "position": [("seek", 7), ("zerocopy", None, None, False)],
    "count": [("zerocopy", 0, 3, False)],
    "to-end": [("zerocopy", 100, None, False)],
    "default-end": [("zerocopy", 0, 10, None), ("linger", 2.0)],
    "paced": [("zerocopy", 0, 16, True), ("pause", 0.5), ("zerocopy", 16, 16, False)],
}


async def zerocopy(scope: Scope, receive: Receive, send: Send) -> None:
    """Sends a file with http.response.zerocopysend where the scope advertises it; 501 otherwise.
    Reports (recorder) whether the file was still open after each send."""
    await read_body(receive)
    if "http.response.zerocopysend" not in (scope.get("extensions") or {}):
        await respond(send, b"http.response.zerocopysend is not advertised", status=501)
        return
    path = os.path.join(tempfile.gettempdir(), f"conformance-zerocopy-{ZEROCOPY_SIZE}.bin")
    if not os.path.exists(path):
        with open(path + f".{os.getpid()}", "wb") as file:
            file.write(zerocopy_content(ZEROCOPY_SIZE))
        os.replace(path + f".{os.getpid()}", path)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/x-probe")]})
    open_after: list[bool] = []
    with open(path, "rb") as file:
        for step in ZEROCOPY_CASES[params(scope).get("case", "mixed")]:
            if step[0] == "body":
                await send({"type": "http.response.body", "body": step[1], "more_body": step[2]})
            elif step[0] == "seek":
                file.seek(step[1])
            elif step[0] in ("pause", "linger"):
                await sleep(step[1])
            else:
                message: dict[str, Any] = {"type": "http.response.zerocopysend", "file": file}
                for key, value in zip(("offset", "count", "more_body"), step[1:], strict=True):
                    if value is not None:
                        message[key] = value
                await send(message)
                try:
                    os.fstat(file.fileno())
                    open_after.append(not file.closed)
                except (OSError, ValueError):
                    open_after.append(False)
    record(token(scope), "zerocopy.done", open_after=open_after)


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
    "/digest": digest,
    "/respond": respond_as_asked,
    "/raise": raise_error,
    "/silent": silent,
    "/after-response": after_response,
    "/send-after-complete": send_after_complete,
    "/linger": linger,
    "/bad-send": bad_send,
    "/loop": loop_of_request,
    "/wait-disconnect": wait_disconnect,
    "/upload-watch": upload_watch,
    "/flood": flood,
    "/early-hint": early_hint,
    "/push": push,
    "/trailers": trailers,
    "/pathsend": pathsend,
    "/stream-until-disconnect": stream_until_disconnect,
    "/state": show_state,
    "/record": record_event,
    "/runtime": show_runtime,
    "/reraise-after-disconnect": reraise_after_disconnect,
    "/zerocopy": zerocopy,
    "/crash": crash,
    "/hang": hang,
}


class LegacyApp:
    """The probe in the legacy (ASGI 2, double-callable) form: ``app(scope)`` returns an instance
    whose ``__call__(receive, send)`` is awaited. Each step is reported under the request's token."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        record(token(scope) or instance_token("legacy"), "legacy.init", type=scope.get("type"))

    async def __call__(self, receive: Receive, send: Send) -> None:
        record(token(self.scope) or instance_token("legacy"), "legacy.call", type=self.scope.get("type"))
        await single_callable(self.scope, receive, send)


# CONFORMANCE_ASGI_STYLE=legacy serves the probe as a legacy app, for the checks of legacy support.
single_callable = app
if os.environ.get("CONFORMANCE_ASGI_STYLE") == "legacy":
    app = LegacyApp  # type: ignore[assignment]
