"""The WSGI probe app: one scenario per path, parameters in the query string.

Scenarios (each does one thing):
  /ready           200, for the launcher's readiness probe
  /environ         the environ as typed JSON (see typed.py), and the pid, thread and time of
                   the call; ?sleep=S holds the call S seconds
  /echo            the request body read from wsgi.input, sent back as it was read
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a streamed body; close() goes to the recorder
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.recording import record
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]


def app(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    # The scenario is the first path segment, so /environ/any/thing still reaches /environ.
    first_segment = "/" + environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    scenario = SCENARIOS.get(first_segment, not_found)
    return scenario(environ, start_response)


application = app  # the name some servers look for by default


def params(environ: Environ) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def token(environ: Environ) -> str | None:
    return environ.get("HTTP_X_PROBE_TOKEN")


def respond(
    start_response: StartResponse, body: bytes, content_type: str = "text/plain", status: str = "200 OK"
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                            ("X-Probe-Pid", str(os.getpid()))])
    return [body]


def respond_json(start_response: StartResponse, payload: object) -> list[bytes]:
    return respond(start_response, json.dumps(payload).encode("ascii"), "application/json")


def ready(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return respond(start_response, b"ready")


def show_environ(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """?sleep=S holds the call for S seconds, so a check can see which calls overlap."""
    started = time.time()
    time.sleep(float(params(environ).get("sleep", "0")))
    return respond_json(
        start_response,
        {
            "environ_type": f"{type(environ).__module__}.{type(environ).__qualname__}",
            "environ": {str(key): describe(value) for key, value in environ.items()},
            "key_types": sorted({type(key).__name__ for key in environ}),
            "call": {"pid": os.getpid(), "thread": threading.get_ident(), "started": started,
                     "finished": time.time()},
        },
    )


def echo(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """Read the body the way ?mode= says and send back exactly what the reads returned."""
    stream = environ["wsgi.input"]
    length_text = environ.get("CONTENT_LENGTH") or ""
    length = int(length_text) if length_text.isdigit() else None
    mode = params(environ).get("mode", "length")
    reads: list[Any] = []
    if mode == "length":  # what the PEP tells apps to do: read CONTENT_LENGTH bytes
        reads.append(stream.read(length) if length is not None else b"")
    elif mode == "chunks":
        size = int(params(environ).get("size", "1024"))
        remaining = length if length is not None else 0
        while remaining > 0:
            block = stream.read(min(size, remaining))
            reads.append(block)
            if not block:
                break
            remaining -= len(block)
    body = b"".join(item for item in reads if type(item) is bytes)
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", str(len(body))),
            ("X-Probe-Read-Types", ",".join(type(item).__name__ for item in reads) or "none"),
            ("X-Probe-Read-Sizes", ",".join(str(len(item)) for item in reads) or "none"),
        ],
    )
    return [body]


class RecordedStream:
    """A response iterable that tells the recorder when the server calls close()."""

    def __init__(self, environ: Environ, chunks: int, size: int, gap: float) -> None:
        self.token = token(environ)
        self.chunks, self.size, self.gap = chunks, size, gap

    def __iter__(self) -> Iterator[bytes]:
        for index in range(self.chunks):
            if index and self.gap:
                time.sleep(self.gap)
            yield (b"%d" % index).ljust(self.size, b".")

    def close(self) -> None:
        record(self.token, "close")


def stream(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    query = params(environ)
    chunks, size = int(query.get("chunks", "3")), int(query.get("size", "16"))
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return RecordedStream(environ, chunks, size, float(query.get("gap", "0")))


def record_event(environ: Environ, start_response: StartResponse) -> list[bytes]:
    record(token(environ), params(environ).get("event", "hit"))
    return respond_json(start_response, {"pid": os.getpid()})


def crash(environ: Environ, start_response: StartResponse) -> list[bytes]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []  # pragma: no cover


def hang(environ: Environ, start_response: StartResponse) -> list[bytes]:
    time.sleep(float(params(environ).get("seconds", "30")))
    return respond(start_response, b"late")


def not_found(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return respond(start_response, b"no such scenario", status="404 Not Found")


SCENARIOS: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
    "/ready": ready,
    "/environ": show_environ,
    "/echo": echo,
    "/stream": stream,
    "/record": record_event,
    "/crash": crash,
    "/hang": hang,
}
