"""ASGI probe scenarios of the http.response.early_hint extension (extensions.rst).

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /early-hint      ?when=before|after&times=N: N early hints before or after the response start, where the
                   scope advertises http.response.early_hint (501 otherwise); the body ends with
                   "accepted" or the name of the exception send() raised
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario  # type: ignore[no-redef]


@scenario("/early-hint")
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
