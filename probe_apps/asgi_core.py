"""ASGI probe scenarios of the core spec's rules on events and errors (asgi.rst), whatever the
protocol: an app that raises, invalid send events, what runs the app, a send to a client that has
gone, and an error from send() that the app re-raises.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /raise           ?when=before|after[&length=N]: raises before http.response.start, or after
                   the start and a first part of the body (content-length N if given)
  /bad-send        ?kind=NAME: one of BAD_SENDS (an invalid event), reports whether send()
                   raised, then answers properly if it still can
  /runtime         what runs the app: whether an asyncio loop is running, its class, the thread
                   (also in every lifespan record, under "runtime")
  /flood           ?mib=N: N MiB in 64 KiB parts as fast as send() returns, each MiB reported,
                   then how it ended (all sent, or what send() raised)
  /reraise-after-disconnect  starts a response, waits for http.disconnect, then sends body parts
                   until send() raises (at most 50, 10 ms apart); reports what it raised and
                   re-raises it into the server
"""

from __future__ import annotations

from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, received, respond_json, scenario, token
    from probe_apps.recording import record
    from probe_apps.running import receive_within, runtime, sleep
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, received, respond_json, scenario, token  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]
    from running import receive_within, runtime, sleep  # type: ignore[no-redef]


@scenario("/raise")
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


@scenario("/bad-send")
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


@scenario("/runtime")
async def show_runtime(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond_json(send, runtime())


@scenario("/flood")
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


@scenario("/reraise-after-disconnect")
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
