"""WSGI server shims: wsgiref with one server-side duty broken, for requirements that app
middleware cannot break (what the server adds to the headers, framing, interim responses).

Belongs here: each shim (a ServerHandler subclass), declared beside it by the requirement it
breaks; it serves the plain probe app. ``Http11`` is no fault: wsgiref made to speak HTTP/1.1, which
the shims below build on and which some middleware mutants need to show their fault
(tests.configurations.WSGIREF_HTTP11).

Usage: python -m tests.mutants.wsgi_shims SHIM HOST PORT MODULE:ATTRIBUTE, SHIM a class of this module.
"""

from __future__ import annotations

import inspect
import signal
import sys
from collections.abc import Callable
from typing import Any
from wsgiref.handlers import format_date_time
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, make_server

from conformance.servers.scripts._app import load_app
from tests.mutants.declare import breaks


@breaks("WSGI-SR-014")
class NoDate(ServerHandler):
    """Never adds a Date header."""

    def send_preamble(self) -> None:
        self._write(f"HTTP/{self.http_version} {self.status}\r\n".encode("iso-8859-1"))


@breaks("WSGI-SR-015")
class DateCaseSensitive(ServerHandler):
    """Looks for the app's Date header by its exact spelling, so a 'dAtE' gets a second Date."""

    def send_preamble(self) -> None:
        self._write(f"HTTP/{self.http_version} {self.status}\r\n".encode("iso-8859-1"))
        if not any(name == "Date" for name, _ in self.headers.items()):
            self._write(f"Date: {format_date_time(0)}\r\n".encode("iso-8859-1"))


class Http11(ServerHandler):
    """HTTP/1.1 with persistent connections and chunked responses done right; the subclasses
    below each get one thing wrong. ``keep_alive`` (read by the request handler) says whether
    the connection may carry another request."""

    http_version = "1.1"
    chunking = True
    chunked = keep_alive = False
    continues = 1  # how many 100 Continue responses answer an Expect: 100-continue
    continue_for_http_1_0 = False

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        modern = self.request_handler.request_version == "HTTP/1.1"
        bodiless = self.environ["REQUEST_METHOD"] == "HEAD" or self.status[:3] in ("204", "304")
        self.chunked = self.chunking and "Content-Length" not in self.headers and self.chunk_this(modern) \
            and not bodiless
        if self.chunked:
            self.headers["Transfer-Encoding"] = "chunked"
        self.keep_alive = self.chunked or "Content-Length" in self.headers

    def chunk_this(self, modern: bool) -> bool:
        return modern

    def handle_error(self) -> None:
        self.keep_alive = False  # an app error leaves the response unfinished: the connection goes
        super().handle_error()

    def write(self, data: bytes) -> None:
        if not self.headers_sent:
            self.bytes_sent = len(data)
            self.send_headers()
        else:
            self.bytes_sent += len(data)
        if self.chunked:
            self.write_chunk(data)
        else:
            self._write(data)
        self._flush()

    def write_chunk(self, data: bytes) -> None:
        if data:
            self._write(b"%x\r\n%s\r\n" % (len(data), data))

    def finish_content(self) -> None:
        super().finish_content()
        if self.chunked:
            self._write(b"0\r\n\r\n")
            self._flush()


@breaks("WSGI-CL-004")
class KeepAliveAfterShortBody(Http11):
    """Keeps the connection open even when the app sent less than its Content-Length."""

    chunking = False


@breaks("WSGI-CL-006")
class ChunkedHeaderRawBody(Http11):
    """Says Transfer-Encoding: chunked, then sends the body unframed."""

    def write_chunk(self, data: bytes) -> None:
        self._write(data)

    def finish_content(self) -> None:
        ServerHandler.finish_content(self)


@breaks("WSGI-CL-007")
class ChunkedForHttp10(Http11):
    """Chunks responses to HTTP/1.0 requests too."""

    def chunk_this(self, modern: bool) -> bool:
        return True


@breaks("WSGI-IT-022")
class EmptyChunkEndsBody(Http11):
    """Sends an empty block as an empty chunk: the terminator, in the middle of the body."""

    def write_chunk(self, data: bytes) -> None:
        self._write(b"%x\r\n%s\r\n" % (len(data), data))


@breaks("WSGI-H11-010")
class ContinueTwice(Http11):
    """Answers Expect: 100-continue with two 100 responses."""

    continues = 2


@breaks("WSGI-H11-013")
class ContinueForHttp10(Http11):
    """Sends 100 Continue to an HTTP/1.0 client that asked for it."""

    continue_for_http_1_0 = True


@breaks("WSGI-H11-030")
class IgnoresConnectionClose(Http11):
    """Keeps the connection open although the request said Connection: close."""

    ignore_connection_close = True


@breaks("WSGI-SR-005")
class NoHeadersForEmptyBody(ServerHandler):
    """Sends the headers only with body data: an app that yields nothing gets no response."""

    def write(self, data: bytes) -> None:
        if data or self.headers_sent:
            super().write(data)

    def finish_content(self) -> None:
        pass


@breaks("WSGI-CALL-004", only=["test_a_head_rewritten_to_get_in_the_environ_stays_a_head"])
class HeadBodyFromEnviron(Http11):
    """Leaves out a HEAD's body, but asks the environ (which the app may have changed) whether
    the request was a HEAD."""

    def client_is_modern(self) -> bool:
        return True  # not from the environ: only the HEAD decision is wrong here

    def write(self, data: bytes) -> None:
        super().write(b"" if self.environ.get("REQUEST_METHOD") == "HEAD" else data)


class ContinuingInput:
    """wsgi.input that runs ``first`` before the app's first read (the PEP's second way)."""

    def __init__(self, stream: Any, first: Callable[[], None]) -> None:
        self.stream, self.first = stream, first

    def __getattr__(self, name: str) -> Any:
        if name in ("read", "readline", "readlines", "__iter__") and self.first:
            self.first()
            self.first = None  # type: ignore[assignment]
        return getattr(self.stream, name)


@breaks("WSGI-H11-014")
class ContinueAtFirstRead(Http11):
    """Sends 100 Continue when the app first reads wsgi.input, even after the response has begun:
    the interim response lands inside the body."""

    continues = 0

    def get_stdin(self) -> Any:
        if self.environ.get("HTTP_EXPECT", "").lower() != "100-continue" \
                or self.environ.get("SERVER_PROTOCOL") != "HTTP/1.1":
            return super().get_stdin()
        return ContinuingInput(super().get_stdin(), lambda: (self._write(b"HTTP/1.1 100 Continue\r\n\r\n"),
                                                             self._flush()))


@breaks("WSGI-CALL-002")
class FunctionsOnly(ServerHandler):
    """Introspects the app: anything but a plain function gets a 500."""

    def run(self, application: Any) -> None:
        if not inspect.isfunction(application):
            def application(environ: dict, start_response: Any) -> list[bytes]:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
                return [b"not a function"]
        super().run(application)


@breaks("WSGI-SR-011")
class StatusUnchecked(ServerHandler):
    """Takes any status, unchecked (wsgiref asserts a 3-digit code and a space), and sends it as given."""

    def start_response(self, status: str, headers: list, exc_info: Any = None) -> Any:
        write = super().start_response("200 OK", headers, exc_info)
        self.status = status
        return write


def launch(name: str) -> str:
    """The launch command of wsgiref with the shim ``name`` (a ServerHandler of this module)."""
    return f"{{python}} -m tests.mutants.wsgi_shims {name} {{host}} {{port}} {{app}}"


def _shim(name: str) -> type[ServerHandler]:
    shim = globals().get(name)
    if not (isinstance(shim, type) and issubclass(shim, ServerHandler)):
        raise SystemExit(f"{name!r} is not a shim of {__name__}")
    return shim


def request_handler(server_handler: type[ServerHandler]) -> type[WSGIRequestHandler]:
    persistent = issubclass(server_handler, Http11)

    class Handler(WSGIRequestHandler):
        protocol_version = "HTTP/1.1" if persistent else "HTTP/1.0"

        def handle(self) -> None:  # WSGIRequestHandler.handle, with the shim's ServerHandler
            self.close_connection = True
            self.handle_one()
            while not self.close_connection:
                self.handle_one()

        def handle_expect_100(self) -> bool:
            for _ in range(getattr(server_handler, "continues", 1)):
                self.send_response_only(100)
                self.end_headers()
            return True

        def parse_request(self) -> bool:
            parsed = super().parse_request()
            if parsed and getattr(server_handler, "continue_for_http_1_0", False) \
                    and self.request_version == "HTTP/1.0" and self.headers.get("Expect", "").lower() == "100-continue":
                self.send_response_only(100)
                self.end_headers()
            return parsed

        def handle_one(self) -> None:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline or not self.parse_request():
                self.close_connection = True
                return
            if getattr(server_handler, "ignore_connection_close", False):
                self.close_connection = False
            handler = server_handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                                     multithread=False)
            handler.request_handler = self
            handler.run(self.server.get_app())
            if not (persistent and getattr(handler, "keep_alive", False)):
                self.close_connection = True

    return Handler


def main(shim: str, host: str, port: str, app_path: str) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with make_server(host, int(port), load_app(app_path), handler_class=request_handler(_shim(shim))) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
