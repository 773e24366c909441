"""The ASGI probe's WebSocket app: probe_apps/asgi_probe.py hands every websocket scope here.

The first path segment picks the scenario; a path that names none gets /inspect.

Where the scenarios are: each in the module of the area whose checks use it most,
asgi_websocket_<area>.py, named after the catalogue file
conformance/requirements/asgi_websocket_<area>.toml (asgi_websocket_close.py: /close, /echo,
/raise; asgi_websocket_messages.py: /send, /bad-send, ...), and /inspect with the rules and
helpers every scenario follows (the accept's parameters, what is reported once the connection
ends) in asgi_websocket_common.py; each module's docstring lists its own. This app imports every
asgi_websocket_*.py module, and each registers its scenarios with @scenario: a new scenario or
module takes no edit here. The whole table, at run time: SCENARIOS.

The samples the checks compare with (AFTER_BAD_SEND, BYTES_SAMPLE, TEXT_SAMPLE, large_bytes,
large_text) are asgi_websocket_messages.py's, and can still be imported from here.
"""

from __future__ import annotations

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.asgi_websocket_common import SCENARIOS, Receive, Scope, Send, inspect
    from probe_apps.asgi_websocket_messages import AFTER_BAD_SEND, BYTES_SAMPLE, TEXT_SAMPLE, large_bytes, large_text
    from probe_apps.scenarios import load_modules
except ImportError:  # pragma: no cover
    from asgi_websocket_common import SCENARIOS, Receive, Scope, Send, inspect  # type: ignore[no-redef]
    from asgi_websocket_messages import (  # type: ignore[no-redef]
        AFTER_BAD_SEND,
        BYTES_SAMPLE,
        TEXT_SAMPLE,
        large_bytes,
        large_text,
    )
    from scenarios import load_modules  # type: ignore[no-redef]

__all__ = ["AFTER_BAD_SEND", "BYTES_SAMPLE", "SCENARIOS", "TEXT_SAMPLE", "app", "large_bytes", "large_text"]

load_modules("asgi_websocket_", __name__)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    path = scope.get("path", "")
    first_segment = "/" + path.lstrip("/").split("/", 1)[0]
    await SCENARIOS.get(first_segment, inspect)(scope, receive, send)
