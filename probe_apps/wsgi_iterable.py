"""WSGI probe scenarios of the response iterable (PEP 3333): how the server iterates what the app
returns, which of its attributes it uses, and its close(). The checks of wsgi_content_length and
wsgi_buffering stream through /stream too; it is here because the iterable's checks use it most.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a streamed body; each block asked for and
                   close() go to the recorder; ?cl=, ?status=, ?fail_at=K, ?forever=1
  /watched         a body that records every attribute the server looks up on it
  /yield-str       a body yielding b'ok' then the str 'text'; close() recorded
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, RecordedBody, RecordedStream, StartResponse, params, scenario, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, RecordedBody, RecordedStream, StartResponse, params, scenario, token  # type: ignore[no-redef]


@scenario("/stream")
def stream(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """?chunks=N&size=BYTES&gap=SECONDS; ?cl=N declares a Content-Length, ?status= another status,
    ?fail_at=K raises while producing block K, ?forever=1 never ends."""
    query = params(environ)
    chunks, size = int(query.get("chunks", "3")), int(query.get("size", "16"))
    headers = [("Content-Type", "application/octet-stream")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    start_response(query.get("status", "200 OK"), headers)
    fail_at = int(query["fail_at"]) if "fail_at" in query else None
    return RecordedStream(environ, chunks, size, float(query.get("gap", "0")), fail_at, query.get("forever") == "1")


class WatchedBody:
    """A body that records the name of every attribute the server looks up on it, and offers
    decoys (read, fileno, ...) that a server must not use on an iterable that is not its own."""

    def __init__(self, probe_token: str | None) -> None:
        object.__setattr__(self, "_token", probe_token)

    def __getattribute__(self, name: str) -> Any:
        if name not in ("_token", "__class__", "__dict__"):
            record(object.__getattribute__(self, "_token"), "attribute", name=name)
        return object.__getattribute__(self, name)

    def __iter__(self) -> Iterator[bytes]:
        return iter([b"watched"])

    def close(self) -> None:
        pass

    def read(self, size: int = -1) -> bytes:
        return b"decoy"

    def fileno(self) -> int:
        return 0

    filelike = None
    blksize = 8192


@scenario("/watched")
def watched_body(environ: Environ, start_response: StartResponse) -> WatchedBody:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return WatchedBody(token(environ))


@scenario("/yield-str")
def yield_str(environ: Environ, start_response: StartResponse) -> RecordedBody:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return RecordedBody([b"ok", "text"], token(environ))
