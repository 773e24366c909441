"""WSGI server shims: wsgiref with one server-side duty broken, for requirements that app
middleware cannot break (what the server adds to the headers, framing, interim responses).

Usage: python -m tests.mutants.wsgi_shims SHIM HOST PORT MODULE:ATTRIBUTE, SHIM one of SHIMS.
"""

from __future__ import annotations

import signal
import sys
from wsgiref.handlers import format_date_time
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, make_server

from conformance.servers.scripts._app import load_app


class NoDate(ServerHandler):
    """Never adds a Date header."""

    def send_preamble(self) -> None:
        self._write(f"HTTP/{self.http_version} {self.status}\r\n".encode("iso-8859-1"))


class DateCaseSensitive(ServerHandler):
    """Looks for the app's Date header by its exact spelling, so a 'dAtE' gets a second Date."""

    def send_preamble(self) -> None:
        self._write(f"HTTP/{self.http_version} {self.status}\r\n".encode("iso-8859-1"))
        if not any(name == "Date" for name, _ in self.headers.items()):
            self._write(f"Date: {format_date_time(0)}\r\n".encode("iso-8859-1"))


SHIMS: dict[str, type[ServerHandler]] = {
    "no-date": NoDate,
    "date-case-sensitive": DateCaseSensitive,
}


def request_handler(server_handler: type[ServerHandler]) -> type[WSGIRequestHandler]:
    class Handler(WSGIRequestHandler):
        def handle(self) -> None:  # WSGIRequestHandler.handle, with the shim's ServerHandler
            self.raw_requestline = self.rfile.readline(65537)
            if not self.parse_request():
                return
            handler = server_handler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                                     multithread=False)
            handler.request_handler = self
            handler.run(self.server.get_app())

    return Handler


def main(shim: str, host: str, port: str, app_path: str) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with make_server(host, int(port), load_app(app_path), handler_class=request_handler(SHIMS[shim])) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:5])
