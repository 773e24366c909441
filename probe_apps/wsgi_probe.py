"""The WSGI probe app: one scenario per path, parameters in the query string.

Scenarios (each does one thing; a path that names none may name one in ?scenario=NAME, or, for a
target that has no query (OPTIONS *), in an X-Probe-Scenario header):
  /ready           200, for the launcher's readiness probe
  /environ         the environ as typed JSON (see typed.py), and the pid, thread and time of
                   the call; ?sleep=S holds the call S seconds
  /echo            the request body read from wsgi.input, sent back as it was read
  /stream          ?chunks=N&size=BYTES&gap=SECONDS: a streamed body; each block asked for and
                   close() go to the recorder; ?cl=, ?status=, ?fail_at=K, ?forever=1
  /respond         ?status=S&h=Name:Value...&body=TEXT: exactly that response, nothing added
  /lazy            start_response called only in the first iteration
  /replace         start_response, then an error handler replaces it with exc_info (?empty=N, ?via=)
  /after-headers   start_response with exc_info after a block was sent: what it raised, in the body
  /twice           start_response twice without exc_info: what the second call raised, in the body
  /bad-header      ?case=NAME: start_response with a faulty or hop-by-hop header (BAD_HEADERS)
  /write           ?w=...&r=...: write() calls, then a returned body; ?gap=, ?cl=, ?extra=, ?rgap=
  /watched         a body that records every attribute the server looks up on it
  /raise           ?when=before|first|after: the app fails at that point
  /errors          every wsgi.errors method, with ?text=
  /input           ?op=read:N&op=readline...: wsgi.input calls in order, what each returned
                   (read:none is read(None))
                   (op=body: the whole body, read as an app that trusts its server would)
  /file            wsgi.file_wrapper over a known file (?kind=, ?seek=, ?cl=, ?blksize=, ?unused=);
                   with ?kind=real, each name the server looks up on the file is recorded
  /misbehave       ?kind=none|no-start: an app that returns None, or never calls start_response
  /record          ?event=NAME: one record to the recorder, the worker's pid in the response
  /early-then-read yields b'early:' first, then the body read from wsgi.input (read_body)
  /crash           the worker process kills itself (harness tests)
  /hang            ?seconds=S: answers only after S seconds (harness tests)
  and wsgi_calling.py's: how the server calls the app and takes what it returns (/call-shape, ...)
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps import wsgi_calling
    from probe_apps.recording import record
    from probe_apps.typed import describe
except ImportError:  # pragma: no cover
    import wsgi_calling  # type: ignore[no-redef]
    from recording import record  # type: ignore[no-redef]
    from typed import describe  # type: ignore[no-redef]

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]


def app(*args: Any, **kwargs: Any) -> Iterable[bytes]:
    # Not (environ, start_response): /call-shape reports how the server passed them.
    environ, start_response = wsgi_calling.bind_call(args, kwargs)
    # The scenario is the first path segment, so /environ/any/thing still reaches /environ.
    # A path that names no scenario (/, //x, a mount point's own path) may name one in ?scenario=,
    # and a target with no query at all (OPTIONS *) in the X-Probe-Scenario header.
    first_segment = "/" + environ.get("PATH_INFO", "").lstrip("/").split("/", 1)[0]
    named = params(environ).get("scenario") or environ.get("HTTP_X_PROBE_SCENARIO", "")
    scenario = SCENARIOS.get(first_segment) or SCENARIOS.get("/" + named, not_found)
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


def all_params(environ: Environ, name: str) -> list[str]:
    return parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).get(name, [])


def respond_as_told(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """/respond?status=S&h=Name:Value&h=...&body=TEXT: exactly the status, headers (in order,
    duplicates kept, names as spelled) and body given; nothing added."""
    headers = [tuple(item.split(":", 1)) for item in all_params(environ, "h")]
    start_response(params(environ).get("status", "200 OK"), headers)
    return [params(environ).get("body", "").encode("latin-1")]


def lazy_start(environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
    """A generator: start_response is called only when the server first iterates."""
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Lazy", "1")])
    yield b"lazy"


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


def write_then_return(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """/write?w=A&w=B&r=C&r=D: write() each w, then return an iterable of the r blocks (close()
    recorded). ?gap=S sleeps between the writes and the return, recording "returning" first;
    ?cl=N declares a Content-Length; ?extra=X writes X after the rest, reporting if it raised;
    ?rgap=S returns a PacedBody instead, with S seconds between its blocks."""
    query = params(environ)
    headers = [("Content-Type", "application/octet-stream")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    write = start_response("200 OK", headers)
    for part in all_params(environ, "w"):
        write(part.encode("latin-1"))
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


def watched_body(environ: Environ, start_response: StartResponse) -> WatchedBody:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return WatchedBody(token(environ))


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


def use_errors(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """Uses every method of wsgi.errors, with ?text= (any unicode); the body lists what raised."""
    errors = environ["wsgi.errors"]
    text = params(environ).get("text", "probe: wsgi.errors line")
    outcomes = {}
    for name, call in (("write", lambda: errors.write(text + "\n")),
                       ("writelines", lambda: errors.writelines([text + " (writelines 1)\n", text + " (2)\n"])),
                       ("flush", lambda: errors.flush())):
        try:
            call()
            outcomes[name] = None
        except Exception as raised:  # noqa: BLE001
            outcomes[name] = f"{type(raised).__name__}: {raised}"
    return respond_json(start_response, outcomes)


def input_operations(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """/input?op=read&op=read:5&op=readline&op=readline:3&op=readlines&op=readlines:4&op=iter:
    the calls made on wsgi.input in order, and what each returned (typed) or raised. The call
    is recorded as "called" first, so a check can tell when the app started."""
    record(token(environ), "called")
    stream = environ["wsgi.input"]
    results = []
    for op in all_params(environ, "op"):
        name, _, argument = op.partition(":")
        args = (None,) if argument == "none" else (int(argument),) if argument else ()
        started = time.time()
        try:
            if name == "body":
                value = read_body(environ)
            else:
                value = list(stream) if name == "iter" else getattr(stream, name)(*args)
            results.append({"op": op, "value": describe(value), "took": time.time() - started})
        except Exception as raised:  # noqa: BLE001
            results.append({"op": op, "raised": f"{type(raised).__name__}: {raised}"})
    return respond_json(start_response, {"results": results,
                                         "content_length": environ.get("CONTENT_LENGTH"),
                                         "input_terminated": describe(environ.get("wsgi.input_terminated"))})


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


class RecordedFile(io.BytesIO):
    """A file-like object whose close() is recorded; ?kind=plain gives one with only read() and
    close() (nothing a platform API could use)."""

    def __init__(self, data: bytes, probe_token: str | None) -> None:
        super().__init__(data)
        self.token = probe_token

    def close(self) -> None:
        record(self.token, "file-close")
        super().close()

    def __del__(self) -> None:  # collected without close(): that is no close() by the server
        io.BytesIO.close(self)


class PlainFile:
    def __init__(self, data: bytes, probe_token: str | None) -> None:
        self.inner = RecordedFile(data, probe_token)

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)

    def close(self) -> None:
        self.inner.close()


FILE_DATA = bytes(range(256)) * 40  # 10240 bytes


def file_wrapper(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """Returns wsgi.file_wrapper(file[, blksize]) over FILE_DATA. ?kind=real|bytesio|plain (a real
    file on disk, a BytesIO, an object with only read and close); ?seek=N moves the position
    first; ?cl=N declares a Content-Length; ?blksize=N passes the optional argument; ?unused=1
    wraps the file but returns another body. 404 if the server offers no file_wrapper."""
    query = params(environ)
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return respond(start_response, b"no wsgi.file_wrapper", status="404 Not Found")
    probe_token = token(environ)
    kind = query.get("kind", "bytesio")
    filelike: Any
    if kind == "real":
        filelike = tempfile.TemporaryFile()
        filelike.write(FILE_DATA)
        filelike.seek(0)
        original_close = filelike.close
        filelike = RealFile(filelike, original_close, probe_token)
    elif kind == "plain":
        filelike = PlainFile(FILE_DATA, probe_token)
    else:
        filelike = RecordedFile(FILE_DATA, probe_token)
    if "seek" in query:
        filelike.seek(int(query["seek"]))
    headers = [("Content-Type", "application/octet-stream")]
    if "cl" in query:
        headers.append(("Content-Length", query["cl"]))
    start_response("200 OK", headers)
    wrapped = wrapper(filelike, int(query["blksize"])) if "blksize" in query else wrapper(filelike)
    if query.get("unused") == "1":
        return [b"other body"]
    return wrapped


class RealFile:
    """A real file (it has a fileno(), so sendfile() may be used) whose close() is recorded, and
    each other name looked up on it, once ("file-attribute")."""

    def __init__(self, file: Any, close: Callable[[], None], probe_token: str | None) -> None:
        self.file, self._close, self.token = file, close, probe_token
        self.looked_up: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name not in self.looked_up:
            self.looked_up.add(name)
            record(self.token, "file-attribute", name=name)
        return getattr(self.file, name)

    def close(self) -> None:
        record(self.token, "file-close")
        self._close()


def early_then_read(environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
    """The response begins (a first block, b'early:') before the app reads the body: a 100 Continue
    sent at the first read would come after it."""
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    yield b"early:"
    yield read_body(environ)


def record_event(environ: Environ, start_response: StartResponse) -> list[bytes]:
    record(token(environ), params(environ).get("event", "hit"))
    return respond_json(start_response, {"pid": os.getpid()})


def crash(environ: Environ, start_response: StartResponse) -> list[bytes]:
    os.kill(os.getpid(), signal.SIGKILL)
    return []  # pragma: no cover


def hang(environ: Environ, start_response: StartResponse) -> list[bytes]:
    time.sleep(float(params(environ).get("seconds", "30")))
    return respond(start_response, b"late")


def misbehave(environ: Environ, start_response: StartResponse) -> Any:
    """An app that breaks the PEP: ?kind=none returns None; kind=no-start returns a body without
    ever calling start_response."""
    if params(environ).get("kind") == "none":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return None
    return [b"body without a status"]


def not_found(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return respond(start_response, b"no such scenario", status="404 Not Found")


SCENARIOS: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
    "/ready": ready,
    "/environ": show_environ,
    "/echo": echo,
    "/stream": stream,
    "/respond": respond_as_told,
    "/lazy": lazy_start,
    "/replace": replace_headers,
    "/after-headers": start_response_after_headers,
    "/twice": start_response_twice,
    "/bad-header": bad_header,
    "/write": write_then_return,
    "/watched": watched_body,
    "/raise": raise_error,
    "/errors": use_errors,
    "/input": input_operations,
    "/file": file_wrapper,
    "/misbehave": misbehave,
    "/record": record_event,
    "/early-then-read": early_then_read,
    "/crash": crash,
    "/hang": hang,
    **wsgi_calling.SCENARIOS,  # how the server calls the app and takes what it returns
}

# Unless PROBE_WSGI_CALLABLE asks for another kind of callable (a class, an instance, ...), the function.
app = application = wsgi_calling.served_as(app, os.environ.get(wsgi_calling.CALLABLE_ENV, "function"))
