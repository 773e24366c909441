"""Serve a WSGI app with wsgiref.simple_server, the way its documentation shows.

Usage: python -m conformance.servers.scripts.wsgiref_serve HOST PORT MODULE:ATTRIBUTE
"""

from __future__ import annotations

import importlib
import signal
import sys
from wsgiref.simple_server import make_server


def main(host: str, port: str, app_path: str) -> None:
    module_name, _, attribute = app_path.partition(":")
    app = getattr(importlib.import_module(module_name), attribute or "application")
    # SIGTERM keeps its default action (end the process): a Python handler's SystemExit would be
    # caught by wsgiref's request handler while a request is being served.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with make_server(host, int(port), app) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:4])
