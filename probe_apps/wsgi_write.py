"""WSGI probe scenarios of the write() callable (PEP 3333, "The start_response() Callable"): what
the server does with what the app writes, alone or before a returned body.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /write           ?w=...&r=...: write() calls, then a returned body; ?gap=, ?cl=, ?extra=, ?rgap=
  /write-str       write('text'): whether it raised, in the body; close() recorded
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, RecordedBody, StartResponse, all_params, params, scenario, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, RecordedBody, StartResponse, all_params, params, scenario, token  # type: ignore[no-redef]


@scenario("/write")
def write_then_return(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """/write?w=A&w=B&r=C&r=D: write() each w, then return an iterable of the r blocks (close()
    recorded). ?gap=S sleeps between the writes and the return, recording "returning" first;
    ?cl=N declares a Content-Length; ?extra=X writes X after the rest, reporting if it raised;
    ?rgap=S returns a PacedBody instead, with S seconds between its blocks; ?mark=1 records "wrote"
    once every write() returned."""
    query = params(environ)
    headers = [("Content-Type", "application/octet-stream")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    write = start_response("200 OK", headers)
    for part in all_params(environ, "w"):
        write(part.encode("latin-1"))
    if "mark" in query:
        record(token(environ), "wrote")
    if "extra" in query:
        try:
            write(query["extra"].encode("latin-1"))
        except Exception as raised:  # noqa: BLE001
            record(token(environ), "extra-write", raised=type(raised).__name__)
        else:
            record(token(environ), "extra-write", raised=None)
    if "gap" in query:
        time.sleep(float(query["gap"]))
        record(token(environ), "returning")
    blocks = [part.encode("latin-1") for part in all_params(environ, "r")]
    if "rgap" in query:
        return PacedBody(blocks, float(query["rgap"]), token(environ))
    return ClosingList(blocks, token(environ))


class ClosingList(list):
    """A list body whose close() is recorded."""

    def __init__(self, items: list[bytes], probe_token: str | None) -> None:
        super().__init__(items)
        self.token = probe_token

    def close(self) -> None:
        record(self.token, "close")


class PacedBody:
    """Yields ``blocks`` with ``gap`` seconds before each but the first, recording "next" (with
    the index) just before each block is produced; close() is recorded."""

    def __init__(self, blocks: list[bytes], gap: float, probe_token: str | None) -> None:
        self.blocks, self.gap, self.token = blocks, gap, probe_token

    def __iter__(self) -> Iterator[bytes]:
        for index, block in enumerate(self.blocks):
            if index:
                time.sleep(self.gap)
            record(self.token, "next", index=index)
            yield block

    def close(self) -> None:
        record(self.token, "close")


@scenario("/write-str")
def write_str(environ: Environ, start_response: StartResponse) -> RecordedBody:
    write = start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        write("text")  # type: ignore[arg-type]
    except Exception as raised:  # noqa: BLE001
        outcome = f"raised={type(raised).__name__}"
    else:
        outcome = "raised=none"
    record(token(environ), "write-str", outcome=outcome)
    return RecordedBody([outcome.encode()], token(environ))
