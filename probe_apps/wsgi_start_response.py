"""WSGI probe scenarios of the start_response() callable (PEP 3333): the status and headers it
takes (faulty ones too), exc_info, a second call, and when the headers go out.

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /replace         start_response, then an error handler replaces it with exc_info (?empty=N, ?via=)
  /after-headers   start_response with exc_info after a block was sent: what it raised, in the body
  /twice           start_response twice without exc_info: what the second call raised, in the body
  /bad-header      ?case=NAME: start_response with a faulty or hop-by-hop header (BAD_HEADERS)
  /exc-info-none   start_response(status, headers, None): exc_info given, positionally, as None
  /exc-info-ref    start_response(..., exc_info) before anything was sent; then whether the
                   exception is still alive (something kept a reference to exc_info)
  /early           ?cl=0 or ?write=1, then ?gap=S before returning ("returning" recorded first);
                   ?empty=N: N empty blocks ?gap=S apart, then "returning" and the first non-empty one
  /headers-list    a one-item body; close() records what the header list the app passed holds by then
"""

from __future__ import annotations

import gc
import sys
import time
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.wsgi_common import Environ, StartResponse, params, scenario, token
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from wsgi_common import Environ, StartResponse, params, scenario, token  # type: ignore[no-redef]


@scenario("/replace")
def replace_headers(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """start_response with X-First, ?empty=N empty blocks, then an error handler replaces the
    status and headers with exc_info (?via=generator|return: in the iterable or before returning)."""
    first = [("Content-Type", "text/plain"), ("X-First", "1")]
    second = [("Content-Type", "text/plain"), ("X-Second", "1")]
    empty = int(params(environ).get("empty", "0"))
    if params(environ).get("via") == "return":
        start_response("200 OK", first)
        try:
            raise ValueError("probe: the app changes its mind")
        except ValueError:
            start_response("500 Replaced", second, sys.exc_info())
        return [b"replaced"]

    def body() -> Iterator[bytes]:
        start_response("200 OK", first)
        try:
            for _ in range(empty):
                yield b""
            raise ValueError("probe: the app changes its mind")
        except ValueError:
            start_response("500 Replaced", second, sys.exc_info())
        yield b"replaced"

    return body()


@scenario("/after-headers")
def start_response_after_headers(environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
    """Yields a block (so the headers are sent), then calls start_response with exc_info, traps
    what it raises (only so the answer can be reported) and reports it in the body."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"partial;"
    try:
        raise ValueError("probe: error after the headers were sent")
    except ValueError as original:
        try:
            start_response("500 Too Late", [("Content-Type", "text/plain")], sys.exc_info())
        except BaseException as raised:  # noqa: BLE001 - the probe reports whatever came back
            yield f"raised={type(raised).__name__};same={raised is original}".encode()
        else:
            yield b"raised=none"


@scenario("/twice")
def start_response_twice(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """A second start_response without exc_info: the body says whether it raised."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    try:
        start_response("201 Created", [("Content-Type", "text/plain")])
    except BaseException as raised:  # noqa: BLE001
        return [f"raised={type(raised).__name__}".encode()]
    return [b"raised=none"]


# What /bad-header passes to start_response, by ?case=.
BAD_HEADERS: dict[str, tuple[str, list[tuple[Any, Any]]]] = {
    "crlf-in-value": ("200 OK", [("X-Injected", "a\r\nX-Evil: 1")]),
    "colon-in-name": ("200 OK", [("X-Bad:Name", "1")]),
    "bytes-value": ("200 OK", [("X-Bytes", b"1")]),
    "crlf-in-status": ("200 OK\r\nX-Evil: 1", []),
    "connection": ("200 OK", [("Connection", "close")]),
    "keep-alive": ("200 OK", [("Keep-Alive", "timeout=5")]),
    "transfer-encoding": ("200 OK", [("Transfer-Encoding", "chunked")]),
    "upgrade": ("200 OK", [("Upgrade", "h2c")]),
    "te": ("200 OK", [("TE", "trailers")]),
    "trailer": ("200 OK", [("Trailer", "X-After")]),
    "proxy-authenticate": ("200 OK", [("Proxy-Authenticate", "Basic")]),
    "non-latin-1-value": ("200 OK", [("X-Snow", "\u2603")]),
    "status-without-reason": ("200", []),
    "status-of-four-digits": ("2000 OK", []),
    "status-with-surrounding-space": (" 200 OK ", []),
}


@scenario("/bad-header")
def bad_header(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """start_response with one faulty header (or status); if it raises, the app answers from its
    error handler (start_response with exc_info), and the body says what was raised."""
    status, headers = BAD_HEADERS[params(environ).get("case", "crlf-in-value")]
    try:
        start_response(status, [("Content-Type", "text/plain"), *headers])
    except Exception as raised:  # noqa: BLE001
        start_response("200 OK", [("Content-Type", "text/plain")], sys.exc_info())
        return [f"raised={type(raised).__name__}".encode()]
    return [b"raised=none"]


@scenario("/exc-info-none")
def exc_info_none(environ: Environ, start_response: StartResponse) -> list[bytes]:
    try:
        start_response("200 OK", [("Content-Type", "text/plain")], None)
    except Exception as raised:  # noqa: BLE001 - reported, not hidden
        start_response("500 Probe", [("Content-Type", "text/plain")], sys.exc_info())
        return [f"raised={type(raised).__name__}: {raised}".encode()]
    return [b"accepted"]


class ProbeError(Exception):
    pass


def _replace_with_exc_info(start_response: StartResponse) -> tuple[weakref.ref[ProbeError], str | None]:
    try:
        raise ProbeError("probe: the app changes its mind")
    except ProbeError as error:
        try:
            start_response("200 OK", [("Content-Type", "text/plain")], sys.exc_info())
        except Exception as raised:  # noqa: BLE001 - reported: the replacement itself failed
            return weakref.ref(error), f"{type(raised).__name__}: {raised}"
        return weakref.ref(error), None


@scenario("/exc-info-ref")
def exc_info_reference(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """The exception given in exc_info must be collectable once start_response has returned (the
    probe holds no reference: the except block is over, and only a weak one is kept). The body:
    collected, alive, or raised=... when start_response(..., exc_info) raised."""
    start_response("500 First", [("Content-Type", "text/plain")])
    ref, raised = _replace_with_exc_info(start_response)
    if raised:
        return [f"raised={raised}".encode()]
    gc.collect()
    return [b"alive" if ref() is not None else b"collected"]


@scenario("/early")
def early(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """start_response with ?cl=0 (Content-Length: 0), or with write=1 then write(b''); then the
    app waits ?gap= seconds before it returns, recording "returning" first (with what write()
    raised, if it did). With ?empty=N, the app returns at once a body that yields N empty blocks
    ?gap= seconds apart, then records "returning" and yields b'x'."""
    query = params(environ)
    if "empty" in query:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return empty_blocks_first(token(environ), int(query["empty"]), float(query.get("gap", "0.5")))
    headers = [("Content-Type", "text/plain")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    write = start_response("200 OK", headers)
    failed = None
    if query.get("write") == "1":
        try:
            write(b"")
        except Exception as raised:  # noqa: BLE001 - reported: a server whose write() is broken
            failed = f"{type(raised).__name__}: {raised}"
    time.sleep(float(query.get("gap", "0.5")))
    record(token(environ), "returning", write_raised=failed)
    return [b"" if "cl" in query else b"x"]


def empty_blocks_first(probe_token: str | None, empty: int, gap: float) -> Iterator[bytes]:
    for _ in range(empty):
        yield b""
        time.sleep(gap)
    record(probe_token, "returning")
    yield b"x"


class HeadersWatched(list):
    """A one-item body whose close() records the app's own header list as it is by then."""

    def __init__(self, items: list[bytes], headers: list[Any], probe_token: str | None) -> None:
        super().__init__(items)
        self.headers, self.token = headers, probe_token

    def close(self) -> None:
        record(self.token, "headers-after", headers=[repr(item) for item in self.headers])


@scenario("/headers-list")
def headers_list(environ: Environ, start_response: StartResponse) -> HeadersWatched:
    """start_response with a list of one header and no Content-Length; the app keeps the list (the
    server may change it) and looks at it again in close()."""
    headers = [("Content-Type", "text/plain")]
    start_response("200 OK", headers)
    return HeadersWatched([b"listed"], headers, token(environ))
