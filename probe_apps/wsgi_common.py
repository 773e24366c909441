"""What the WSGI probe scenarios share: the registry they join with ``@scenario("/path")``, the
helpers and recorded bodies that several areas' scenarios use, and the scenarios no one area owns
(the harness's own, and /respond, which the checks of five areas use alike).

Rule: a scenario lives in the module of the area whose checks use it most, wsgi_<area>.py, named
after the catalogue file (conformance/requirements/wsgi_<area>.toml); wsgi_probe.py imports every
wsgi_*.py module, so a new one needs no edit elsewhere. Only what no one area owns is here.
Standard library only, like every probe module.

Scenarios:
  /ready           200, for the launcher's readiness probe
  /respond         ?status=S&h=Name:Value...&body=TEXT: exactly that response, nothing added
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.scenarios import Scenarios
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from scenarios import Scenarios  # type: ignore[no-redef]

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]

# Every WSGI scenario, by path: each wsgi_*.py module adds its own with @scenario.
SCENARIOS = Scenarios("WSGI")
scenario = SCENARIOS.scenario


def params(environ: Environ) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def all_params(environ: Environ, name: str) -> list[str]:
    return parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get(name, [])


def token(environ: Environ) -> str | None:
    return environ.get("HTTP_X_PROBE_TOKEN")


def respond(
    start_response: StartResponse, body: bytes, content_type: str = "text/plain", status: str = "200 OK"
) -> list[bytes]:
    """The whole response: its length, and the worker's pid in X-Probe-Pid."""
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("X-Probe-Pid", str(os.getpid()))])
    return [body]


def respond_json(start_response: StartResponse, payload: object) -> list[bytes]:
    return respond(start_response, json.dumps(payload).encode("ascii"), "application/json")


def text(start_response: StartResponse, body: bytes, status: str = "200 OK") -> list[bytes]:
    """A text/plain response with its length and nothing else (no X-Probe-Pid, unlike respond)."""
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def read_body(environ: Environ) -> bytes:
    """The whole body, as an app that trusts its server reads it: CONTENT_LENGTH bytes when given,
    else read(8192) until an empty read (the server must then end the stream)."""
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH") or ""
    if length.isdigit():
        return stream.read(int(length))
    parts = []
    while block := stream.read(8192):
        parts.append(block)
    return b"".join(parts)


class RecordedStream:
    """A response iterable that tells the recorder each time the server asks for a block ("next",
    with the block's index, just before it is produced) and when it calls close().

    ``fail_at`` makes producing that block raise; ``forever`` streams until the server stops asking.
    """

    def __init__(self, environ: Environ, chunks: int, size: int, gap: float,
                 fail_at: int | None = None, forever: bool = False) -> None:
        self.token = token(environ)
        self.chunks, self.size, self.gap = chunks, size, gap
        self.fail_at, self.forever = fail_at, forever

    def __iter__(self) -> Iterator[bytes]:
        index = 0
        while self.forever or index < self.chunks:
            if index and self.gap:
                time.sleep(self.gap)
            record(self.token, "next", index=index)
            if index == self.fail_at:
                raise RuntimeError(f"probe: failing on purpose while producing block {index}")
            yield (b"%d" % index).ljust(self.size, b".")
            index += 1

    def close(self) -> None:
        record(self.token, "close")


class RecordedBody:
    """Yields ``items`` (whatever their type); close() is recorded."""

    def __init__(self, items: Iterable[Any], probe_token: str | None) -> None:
        self.items, self.token = items, probe_token

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def close(self) -> None:
        record(self.token, "close")


@scenario("/ready")
def ready(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return respond(start_response, b"ready")


@scenario("/respond")
def respond_as_told(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """/respond?status=S&h=Name:Value&h=...&body=TEXT: exactly the status, headers (in order,
    duplicates kept, names as spelled) and body given; nothing added. ?form= is how the body is
    handed over, each way PEP 3333 allows: "one" (a list of one block, the default), "many" (a
    list of blocks of 1, 2, 3, ... bytes, empty ones among them), "generator" (those blocks
    yielded), "write" (write() of all but the last block, which is returned)."""
    headers = [tuple(item.split(":", 1)) for item in all_params(environ, "h")]
    write = start_response(params(environ).get("status", "200 OK"), headers)
    body = params(environ).get("body", "").encode("latin-1")
    form = params(environ).get("form", "one")
    if form == "one":
        return [body]
    blocks = body_blocks(body)
    if form == "many":
        return blocks
    if form == "generator":
        return (block for block in blocks)
    for block in blocks[:-1]:
        if block:  # (what write(b"") does is WSGI-WR-002's, not this body's)
            write(block)
    return blocks[-1:]


def body_blocks(body: bytes) -> list[bytes]:
    """``body`` cut into blocks of 1, 2, 3, ... bytes, with an empty block after every other one."""
    blocks, start, size = [], 0, 1
    while start < len(body):
        blocks += [body[start:start + size]] + ([b""] if size % 2 == 0 else [])
        start, size = start + size, size + 1
    return blocks or [b""]


@scenario("/record")
def record_event(environ: Environ, start_response: StartResponse) -> list[bytes]:
    record(token(environ), params(environ).get("event", "hit"))
    return respond_json(start_response, {"pid": os.getpid()})


@scenario("/crash")
def crash(environ: Environ, start_response: StartResponse) -> list[bytes]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []  # pragma: no cover


@scenario("/hang")
def hang(environ: Environ, start_response: StartResponse) -> list[bytes]:
    time.sleep(float(params(environ).get("seconds", "30")))
    return respond(start_response, b"late")


def not_found(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return respond(start_response, b"no such scenario", status="404 Not Found")
