"""What the ASGI probe's HTTP scenarios share: the registry they join with ``@scenario("/path")``,
the helpers that several areas' scenarios use, how far the lifespan scope has got, and the
scenarios no one area owns (the harness's own).

Rule: a scenario lives in the module of the area whose checks use it most, asgi_<area>.py, named
after the catalogue file (conformance/requirements/asgi_<area>.toml); asgi_probe.py imports every
asgi_*.py module, so a new one needs no edit elsewhere. Only what no one area owns is here. The
WebSocket scenarios have their own registry and common module (asgi_websocket_common.py).
Standard library only, like every probe module.

Scenarios:
  /ready           200, for the launcher's readiness probe
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
                   (also the target of asgi_push's pushes)
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import TOKEN_HEADER, record
    from probe_apps.scenarios import Scenarios
except ImportError:  # pragma: no cover
    from recording import TOKEN_HEADER, record  # type: ignore[no-redef]
    from scenarios import Scenarios  # type: ignore[no-redef]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

# Every ASGI HTTP scenario, by path: each asgi_*.py module adds its own with @scenario.
SCENARIOS = Scenarios("ASGI")
scenario = SCENARIOS.scenario

# Set by asgi_lifespan.py when lifespan.startup arrives, and just before the probe sends
# lifespan.startup.complete: a request that finds the first True and the second False was served
# before startup completed.
lifespan_progress = SimpleNamespace(started=False, startup_complete_sent=False)


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


@scenario("/ready")
async def ready(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, b"ready")


@scenario("/record")
async def record_event(scope: Scope, receive: Receive, send: Send) -> None:
    record(token(scope), params(scope).get("event", "hit"))
    await respond_json(send, {"pid": os.getpid()})


@scenario("/crash")
async def crash(scope: Scope, receive: Receive, send: Send) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@scenario("/hang")
async def hang(scope: Scope, receive: Receive, send: Send) -> None:
    time.sleep(float(params(scope).get("seconds", "30")))  # blocks the loop on purpose
    await respond(send, b"late")


async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, b"no such scenario", status=404)
