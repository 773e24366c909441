"""ASGI probe scenarios of the HTTP connection scope (www.rst, "HTTP Connection Scope"), over
HTTP/1.1 and HTTP/2. The checks of asgi_core, asgi_tls and of the extensions read /scope too; it is
here because the scope's own checks use it most.

Rule: standard library only, asyncio or trio; each scenario does one thing and registers itself
with @scenario (asgi_common.py).

Scenarios:
  /scope           the scope as typed JSON, with every receive event of the request body (and
                   whether the probe had sent lifespan.startup.complete by then)
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_common import Receive, Scope, Send, lifespan_progress, read_body, respond_json, scenario
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
    from typed import describe  # type: ignore[no-redef]


@scenario("/scope")
async def show_scope(scope: Scope, receive: Receive, send: Send) -> None:
    events = await read_body(receive)
    await respond_json(
        send,
        {
            "scope": describe(scope),
            "events": [describe(event) for event in events],
            "startup_complete_sent": lifespan_progress.startup_complete_sent,
        },
    )
