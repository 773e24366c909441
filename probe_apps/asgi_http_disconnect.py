"""ASGI probe scenarios of http.disconnect, and of what a send does once the client has gone (www.rst,
"Disconnect - receive event", "Disconnected Client - send exception"). They report to the recorder,
since the client is no longer there to be told.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /after-response  answers, then reports (recorder) what two further receive() calls return;
                   ?read=0 answers without reading the request body first
  /wait-disconnect reads the request, reports "waiting", then reports what receive() returns
                   when the client hangs up, what a second receive() returns, and what a send
                   afterwards does (the exception, if any, is re-raised into the server)
  /upload-watch    reports the first http.request event as it arrives, and all of them once the
                   body ends or the client goes
  /stream-until-disconnect  streams a part every 50 ms, listening in receive() between parts;
                   reports what receive() gave (http.disconnect once the client hangs up)
"""

from __future__ import annotations

import time

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, received, respond, scenario, token
    from probe_apps.recording import record
    from probe_apps.running import receive_within
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, received, respond, scenario, token  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]
    from running import receive_within  # type: ignore[no-redef]


@scenario("/after-response")
async def after_response(scope: Scope, receive: Receive, send: Send) -> None:
    if params(scope).get("read", "1") != "0":
        await read_body(receive)
    await respond(send, b"done")
    started = time.monotonic()
    first = await receive_within(receive, 5.0)
    record(token(scope), "after-response.receive", got=received(first), after=time.monotonic() - started)
    second = await receive_within(receive, 1.0)
    record(token(scope), "after-response.receive-again", got=received(second))


@scenario("/wait-disconnect")
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


@scenario("/upload-watch")
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


@scenario("/stream-until-disconnect")
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
