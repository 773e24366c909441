"""WSGI probe scenarios about how the server calls the app and what it does with what the app
hands back: the call itself, start_response's arguments, odd iterables, non-bytes output, the
file wrapper as middleware sees it, and when the headers go out. Registered in wsgi_probe.SCENARIOS.

Rule: like every probe module, standard library only; each scenario does one thing.

Scenarios:
  /call-shape      how the server called the app: positional arguments, keyword names
  /callable-kind   which kind of callable the server was given (PROBE_WSGI_CALLABLE: see served_as)
  /iterable        ?kind=getitem|tuple|list-subclass: the body b'one,two,three' in three blocks
  /modify-environ  ?how=clear|method-get: the app empties the environ, or says GET for a HEAD
  /exc-info-none   start_response(status, headers, None): exc_info given, positionally, as None
  /exc-info-ref    start_response(..., exc_info) before anything was sent; then whether the
                   exception is still alive (something kept a reference to exc_info)
  /early           ?cl=0 or ?write=1, then ?gap=S before returning ("returning" recorded first)
  /write-str       write('text'): whether it raised, in the body; close() recorded
  /yield-str       a body yielding b'ok' then the str 'text'; close() recorded
  /reraise         a block, then start_response(exc_info) left to propagate; ?cl=N; close() recorded
  /headers-list    a one-item body; close() records what the header list the app passed holds by then
  /errors-buffer   ?marker=M&gap=S: M written to wsgi.errors, flush() only S seconds later
  /file-info       whether environ has wsgi.file_wrapper, and whether it is callable
  /file-iterated   the app iterates wsgi.file_wrapper(BytesIO(FILE_DATA)) itself, returns the joined bytes
  /file-semantics  ?via=wrapper|loop: a 203 with app headers, the body from a file through the
                   wrapper or through iter(read, b'')
"""

from __future__ import annotations

import functools
import gc
import io
import json
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

try:
    from probe_apps.recording import record
except ImportError:  # pragma: no cover
    from recording import record  # type: ignore[no-redef]

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]

FILE_DATA = bytes(range(256)) * 40  # the same 10240 bytes as wsgi_probe's /file
BLOCKS = [b"one,", b"two,", b"three"]

# How the server called the app, per thread (or greenlet): set by wsgi_probe.app before dispatch.
CALL = threading.local()


def bind_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Environ, StartResponse]:
    """The app's (environ, start_response), however the server passed them; remembers how."""
    CALL.shape = {"positional": len(args), "keywords": sorted(kwargs)}
    values = list(args) + [kwargs[name] for name in ("environ", "start_response") if name in kwargs]
    if len(values) != 2:
        values += list(kwargs.values())
    return values[0], values[1]


def params(environ: Environ) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def token(environ: Environ) -> str | None:
    return environ.get("HTTP_X_PROBE_TOKEN")


def text(start_response: StartResponse, body: bytes, status: str = "200 OK") -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def call_shape(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return text(start_response, json.dumps(getattr(CALL, "shape", None)).encode())


# WSGI-CALL-002: started with PROBE_WSGI_CALLABLE=KIND, the server is handed the probe app as that
# kind of callable (wsgi_probe applies served_as); /callable-kind says which it was.
CALLABLE_ENV = "PROBE_WSGI_CALLABLE"
SERVED_AS = ["function"]


def served_as(app: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """``app`` as a callable of ``kind``: class (whose instances are the response iterable, as in
    the PEP's AppClass), instance (with __call__), method (bound), partial; else ``app`` itself."""

    class AppClass:
        def __init__(self, environ: Environ, start_response: StartResponse) -> None:
            self.result = app(environ, start_response)

        def __iter__(self) -> Iterator[bytes]:
            return iter(self.result)

        def close(self) -> None:
            getattr(self.result, "close", lambda: None)()

    class Instance:
        def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            return app(environ, start_response)

        def method(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            return app(environ, start_response)

    def with_prefix(prefix: str, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return app(environ, start_response)

    kinds: dict[str, Callable[..., Any]] = {"class": AppClass, "instance": Instance(), "method": Instance().method,
                                            "partial": functools.partial(with_prefix, "bound")}
    if kind not in kinds:
        return app
    SERVED_AS[0] = kind
    return kinds[kind]


def callable_kind(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return text(start_response, SERVED_AS[0].encode())


# --- iterables ---------------------------------------------------------------------------------


class GetitemOnly:
    """The old sequence protocol only: no __iter__, IndexError at the end (like the PEP's own
    FileWrapper example)."""

    def __init__(self, items: list[bytes]) -> None:
        self.items = items

    def __getitem__(self, index: int) -> bytes:
        return self.items[index]


class ListSubclass(list):
    pass


ITERABLES: dict[str, Callable[[list[bytes]], Iterable[bytes]]] = {
    "getitem": GetitemOnly,
    "tuple": tuple,
    "list-subclass": ListSubclass,
}


def odd_iterable(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ITERABLES[params(environ).get("kind", "getitem")](list(BLOCKS))


# --- the environ is the app's -----------------------------------------------------------------


def modify_environ(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """?how=clear: environ.clear() before answering; how=method-get: REQUEST_METHOD set to GET
    (and SERVER_PROTOCOL, wsgi.input removed), as an app that rewrites a HEAD may; how=none:
    the environ left alone."""
    how = params(environ).get("how", "clear")
    if how == "clear":
        environ.clear()
    elif how == "method-get":
        environ["REQUEST_METHOD"] = "GET"
        environ.pop("SERVER_PROTOCOL", None)
        environ.pop("wsgi.input", None)
    return text(start_response, b"modified")


# --- start_response ----------------------------------------------------------------------------


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


def early(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """start_response with ?cl=0 (Content-Length: 0), or with write=1 then write(b''); then the
    app waits ?gap= seconds before it returns, recording "returning" first (with what write()
    raised, if it did)."""
    query = params(environ)
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


# --- non-bytes output ----------------------------------------------------------------------------


class RecordedBody:
    """Yields ``items`` (whatever their type); close() is recorded."""

    def __init__(self, items: Iterable[Any], probe_token: str | None) -> None:
        self.items, self.token = items, probe_token

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def close(self) -> None:
        record(self.token, "close")


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


def yield_str(environ: Environ, start_response: StartResponse) -> RecordedBody:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return RecordedBody([b"ok", "text"], token(environ))


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


def reraise(environ: Environ, start_response: StartResponse) -> ReraisingBody:
    headers = [("Content-Type", "text/plain")]
    if "cl" in params(environ):
        headers.append(("Content-Length", params(environ)["cl"]))
    start_response("200 OK", headers)
    return ReraisingBody(start_response, token(environ))


class HeadersWatched(list):
    """A one-item body whose close() records the app's own header list as it is by then."""

    def __init__(self, items: list[bytes], headers: list[Any], probe_token: str | None) -> None:
        super().__init__(items)
        self.headers, self.token = headers, probe_token

    def close(self) -> None:
        record(self.token, "headers-after", headers=[repr(item) for item in self.headers])


def headers_list(environ: Environ, start_response: StartResponse) -> HeadersWatched:
    """start_response with a list of one header and no Content-Length; the app keeps the list (the
    server may change it) and looks at it again in close()."""
    headers = [("Content-Type", "text/plain")]
    start_response("200 OK", headers)
    return HeadersWatched([b"listed"], headers, token(environ))


def errors_buffer(environ: Environ, start_response: StartResponse) -> list[bytes]:
    errors = environ["wsgi.errors"]
    query = params(environ)
    errors.write(query.get("marker", "probe-marker") + "\n")
    record(token(environ), "written")
    time.sleep(float(query.get("gap", "0.5")))
    record(token(environ), "flushing")
    errors.flush()
    return text(start_response, b"flushed")


# --- wsgi.file_wrapper ---------------------------------------------------------------------------


def file_info(environ: Environ, start_response: StartResponse) -> list[bytes]:
    wrapper = environ.get("wsgi.file_wrapper")
    return text(start_response, json.dumps({"present": "wsgi.file_wrapper" in environ,
                                            "callable": callable(wrapper)}).encode())


def file_iterated(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """As middleware may: iterate the wrapper itself and send what it yields."""
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return text(start_response, b"no wsgi.file_wrapper", "404 Not Found")
    wrapped = wrapper(io.BytesIO(FILE_DATA))
    try:
        data = b"".join(iter(wrapped))
    except Exception as raised:  # noqa: BLE001
        return text(start_response, f"iterating raised {type(raised).__name__}: {raised}".encode(), "500 Probe")
    finally:
        getattr(wrapped, "close", lambda: None)()
    return text(start_response, data)


def file_semantics(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """?via=wrapper: wsgi.file_wrapper(file); via=loop: iter(lambda: file.read(8192), b'')."""
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is None:
        return text(start_response, b"no wsgi.file_wrapper", "404 Not Found")
    filelike = tempfile.TemporaryFile()
    filelike.write(FILE_DATA)
    filelike.seek(0)
    start_response("203 Non-Authoritative Information",
                   [("Content-Type", "application/x-probe"), ("X-Probe-Fw", "kept")])
    if params(environ).get("via") == "loop":
        return iter(lambda: filelike.read(8192), b"")
    return wrapper(filelike)


SCENARIOS: dict[str, Callable[[Environ, StartResponse], Iterable[bytes]]] = {
    "/call-shape": call_shape,
    "/callable-kind": callable_kind,
    "/iterable": odd_iterable,
    "/modify-environ": modify_environ,
    "/exc-info-none": exc_info_none,
    "/exc-info-ref": exc_info_reference,
    "/early": early,
    "/write-str": write_str,
    "/yield-str": yield_str,
    "/reraise": reraise,
    "/headers-list": headers_list,
    "/errors-buffer": errors_buffer,
    "/file-info": file_info,
    "/file-iterated": file_iterated,
    "/file-semantics": file_semantics,
}
