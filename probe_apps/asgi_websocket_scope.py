"""ASGI probe WebSocket scenarios of the WebSocket connection scope (www.rst, "WebSocket Connection
Scope"), which lives as long as the socket: an app that returns. (The scope itself, /inspect
shows: asgi_websocket_common.py.)

Rule: standard library only, asyncio or trio; each scenario does one thing, follows
asgi_websocket_common.py's rules (what is told on the connection, what goes to the recorder) and
registers itself with @scenario from there.

Scenarios:
  /return     accepts, then returns without closing
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import Receive, Scope, Send, accept, connect, scenario
except ImportError:  # pragma: no cover
    from asgi_websocket_common import Receive, Scope, Send, accept, connect, scenario  # type: ignore[no-redef]

@scenario("/return")
async def return_early(scope: Scope, receive: Receive, send: Send) -> None:
    await connect(scope, receive)
    await accept(scope, send)
