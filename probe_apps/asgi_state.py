"""ASGI probe scenarios of the lifespan state (lifespan.rst, "Lifespan State"): the dict the app
fills at startup (asgi_lifespan.py) and finds in every scope.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /state           the request scope's `state`; ?mutate=1 then changes the copy (a top-level
                   key, and the shared list "probe.bucket")
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond_json, scenario
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond_json, scenario  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]


@scenario("/state")
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
