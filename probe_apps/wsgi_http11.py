"""WSGI probe scenarios of the HTTP/1.1 rules the server meets on the app's behalf (PEP 3333,
"HTTP 1.1 Expect/Continue"): its 100-continue checks also read the body through wsgi_input's
/input and /echo, and answer through wsgi_common's /respond.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /early-then-read yields b'early:' first, then the body read from wsgi.input (read_body)
"""

from __future__ import annotations

from collections.abc import Iterator

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.wsgi_common import Environ, StartResponse, read_body, scenario
except ImportError:  # pragma: no cover
    from wsgi_common import Environ, StartResponse, read_body, scenario  # type: ignore[no-redef]


@scenario("/early-then-read")
def early_then_read(environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
    """The response begins (a first block, b'early:') before the app reads the body: a 100 Continue
    sent at the first read would come after it."""
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    yield b"early:"
    yield read_body(environ)
