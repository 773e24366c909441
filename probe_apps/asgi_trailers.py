"""ASGI probe scenarios of the http.response.trailers extension (extensions.rst).

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /trailers        ?delay=S&more=1: a body, S seconds, then trailers (x-probe-trailer: yes; with
                   more=1 first x-probe-trailer-1: first, more_trailers true), where the scope
                   advertises http.response.trailers; 501 otherwise
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario
    from probe_apps.running import sleep
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario  # type: ignore[no-redef]
    from running import sleep  # type: ignore[no-redef]


@scenario("/trailers")
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
