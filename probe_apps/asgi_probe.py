"""The ASGI probe app: one scenario per path, parameters in the query string.

The scope type picks the handler: lifespan goes to asgi_lifespan.py, websocket to
asgi_websocket.py (the WebSocket scenarios), and every other scope ("http", and whatever else a
server calls the app with) to the scenario named by the first path segment.

Where the scenarios are: each in the module of the area whose checks use it most, asgi_<area>.py,
named after the catalogue file conformance/requirements/asgi_<area>.toml (asgi_http_scope.py:
/scope; asgi_pathsend.py: /pathsend, ...), and what no one area owns (/ready, /record, /crash,
/hang) in asgi_common.py; each module's docstring lists its own. This app imports every asgi_*.py
module, and each registers its scenarios with @scenario: a new scenario or module takes no edit
here. The whole table, at run time: SCENARIOS.

  CONFORMANCE_ASGI_STYLE=legacy  the module's `app` is the probe in the legacy (ASGI 2,
                   double-callable) form, which reports each of its two calls
"""

from __future__ import annotations

import os

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps import asgi_lifespan, asgi_websocket
    from probe_apps.asgi_common import SCENARIOS, Receive, Scope, Send, not_found, token
    from probe_apps.recording import instance_token, record
    from probe_apps.scenarios import load_modules
except ImportError:  # pragma: no cover
    import asgi_lifespan  # type: ignore[no-redef]
    import asgi_websocket  # type: ignore[no-redef]
    from asgi_common import SCENARIOS, Receive, Scope, Send, not_found, token  # type: ignore[no-redef]
    from recording import instance_token, record  # type: ignore[no-redef]
    from scenarios import load_modules  # type: ignore[no-redef]

load_modules("asgi_", __name__)
load_modules("http_", __name__)  # the HTTP/1.1 parsing scenario both interfaces share


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await asgi_lifespan.lifespan(scope, receive, send)
    elif scope["type"] == "websocket":  # the WebSocket scenarios: probe_apps/asgi_websocket.py
        await asgi_websocket.app(scope, receive, send)
    else:  # "http", and whatever else a server calls the app with: the probe reports it all
        asgi_lifespan.report_early_request(scope)
        path, root = scope.get("path", ""), scope.get("root_path") or ""
        while root.strip("/") and path.startswith(root):  # a server may leave the mount point in path
            path = path[len(root):]
        first_segment = "/" + path.lstrip("/").split("/", 1)[0]
        await SCENARIOS.get(first_segment, not_found)(scope, receive, send)


class LegacyApp:
    """The probe in the legacy (ASGI 2, double-callable) form: ``app(scope)`` returns an instance
    whose ``__call__(receive, send)`` is awaited. Each step is reported under the request's token."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        record(token(scope) or instance_token("legacy"), "legacy.init", type=scope.get("type"))

    async def __call__(self, receive: Receive, send: Send) -> None:
        record(token(self.scope) or instance_token("legacy"), "legacy.call", type=self.scope.get("type"))
        await single_callable(self.scope, receive, send)


# CONFORMANCE_ASGI_STYLE=legacy serves the probe as a legacy app, for the checks of legacy support.
single_callable = app
if os.environ.get("CONFORMANCE_ASGI_STYLE") == "legacy":
    app = LegacyApp  # type: ignore[assignment]
