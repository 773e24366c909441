"""ASGI probe scenarios of the http.response.push extension (extensions.rst), over HTTP/2. The pushed
request is served by asgi_common's /record.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /push            pushes /record with the request's token (http.response.push between start and
                   body) where the scope advertises the extension; 501 otherwise; ?bad=bytes-path
                   makes the push's path bytes, ?bad=pseudo-header adds a :path header to it
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token
    from probe_apps.recording import TOKEN_HEADER, record
except ImportError:  # pragma: no cover
    from asgi_common import Receive, Scope, Send, params, read_body, respond, scenario, token  # type: ignore[no-redef]
    from recording import TOKEN_HEADER, record  # type: ignore[no-redef]


@scenario("/push")
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
