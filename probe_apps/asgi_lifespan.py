"""ASGI probe scenarios of the lifespan protocol (lifespan.rst): the lifespan scope itself, which
asgi_probe.app hands here, startup, shutdown and their failures, and which loop runs what.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py). How far startup has got is kept in asgi_common.lifespan_progress,
where the HTTP scenarios can read it.

Scenarios:
  lifespan scope   every lifespan event goes to the recorder under the token "lifespan:<instance>",
                   and so does any request served before startup completed (report_early_request);
                   CONFORMANCE_LIFESPAN_DELAY (seconds) delays each `complete`, so a check can
                   tell whether the server waited for it
                   CONFORMANCE_LIFESPAN picks how the app answers: "" (completes), "raise"
                   (raises at once), "raise-after-startup" (raises on lifespan.startup),
                   "startup-failed" / "shutdown-failed" (sends that event with a message; with
                   "-bare" appended, without one);
                   where the scope has `state`, startup puts "probe.lifespan" and a shared
                   list "probe.bucket" in it, and "probe.late" right after startup.complete
                   (asgi_state.py's /state shows what a request gets of it)
  /loop            which process and event loop run the request (compared with lifespan's)
"""

from __future__ import annotations

import os

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, lifespan_progress, read_body, respond_json, scenario
    from probe_apps.recording import instance_token, record
    from probe_apps.running import loop_id, runtime, sleep
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from asgi_common import (  # type: ignore[no-redef]
        Receive,
        Scope,
        Send,
        lifespan_progress,
        read_body,
        respond_json,
        scenario,
    )
    from recording import instance_token, record  # type: ignore[no-redef]
    from running import loop_id, runtime, sleep  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

LIFESPAN_DELAY_ENV = "CONFORMANCE_LIFESPAN_DELAY"
LIFESPAN_MODE_ENV = "CONFORMANCE_LIFESPAN"
STARTUP_FAILED_MESSAGE = "probe-startup-failed: the probe app refused to start"
SHUTDOWN_FAILED_MESSAGE = "probe-shutdown-failed: the probe app could not clean up"


async def lifespan(scope: Scope, receive: Receive, send: Send) -> None:
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
            lifespan_progress.started = True
            if isinstance(scope.get("state"), dict):
                scope["state"]["probe.lifespan"] = "set-at-startup"
                scope["state"]["probe.bucket"] = []
            await sleep(delay)
            lifespan_progress.startup_complete_sent = True
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


def report_early_request(scope: Scope) -> None:
    """Called for every HTTP request: one served after lifespan.startup arrived but before the
    probe sent lifespan.startup.complete is reported."""
    if lifespan_progress.started and not lifespan_progress.startup_complete_sent:
        record(instance_token("lifespan"), "http.served-before-startup-complete", path=scope.get("path"))


@scenario("/loop")
async def loop_of_request(scope: Scope, receive: Receive, send: Send) -> None:
    await read_body(receive)
    await respond_json(send, {"loop": loop_id()})
