"""WSGI probe scenarios of what the server does when the app fails (PEP 3333, "Error Handling"): an
app that raises, before or after its response began, or that breaks the PEP.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /raise           ?when=before|first|after: the app fails at that point
  /misbehave       ?kind=none|no-start: an app that returns None, or never calls start_response
  /reraise         a block, then start_response(exc_info) left to propagate; ?cl=N; close() recorded
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, RecordedBody, RecordedStream, StartResponse, params, scenario, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, RecordedBody, RecordedStream, StartResponse, params, scenario, token  # type: ignore[no-redef]


@scenario("/raise")
def raise_error(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """?when=before: raise before start_response; when=first: start_response, then the first
    block raises; when=after: a first block (8 bytes), then raise. ?cl=N declares a length."""
    when = params(environ).get("when", "before")
    if when == "before":
        raise RuntimeError("probe: failing before start_response")
    headers = [("Content-Type", "text/plain")]
    if "cl" in params(environ):
        headers.append(("Content-Length", params(environ)["cl"]))
    start_response("200 OK", headers)
    return RecordedStream(environ, 3, 8, 0, fail_at=0 if when == "first" else 1)


@scenario("/misbehave")
def misbehave(environ: Environ, start_response: StartResponse) -> Any:
    """An app that breaks the PEP: ?kind=none returns None; kind=no-start returns a body without
    ever calling start_response."""
    if params(environ).get("kind") == "none":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return None
    return [b"body without a status"]


class ReraisingBody(RecordedBody):
    """One block, then start_response with exc_info; what it raises is left to propagate."""

    def __init__(self, start_response: StartResponse, probe_token: str | None) -> None:
        super().__init__([], probe_token)
        self.start_response = start_response

    def __iter__(self) -> Iterator[bytes]:
        yield b"partial;"
        try:
            raise ValueError("probe: error after the headers were sent")
        except ValueError:
            self.start_response("500 Too Late", [("Content-Type", "text/plain")], sys.exc_info())
        record(self.token, "start-response-returned")
        yield b"after the error: start_response returned normally"


@scenario("/reraise")
def reraise(environ: Environ, start_response: StartResponse) -> ReraisingBody:
    headers = [("Content-Type", "text/plain")]
    if "cl" in params(environ):
        headers.append(("Content-Length", params(environ)["cl"]))
    start_response("200 OK", headers)
    return ReraisingBody(start_response, token(environ))
