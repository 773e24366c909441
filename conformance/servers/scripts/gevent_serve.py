"""Serve a WSGI app with gevent.pywsgi, the way gevent's documentation shows.

Usage: python -m conformance.servers.scripts.gevent_serve HOST PORT MODULE:ATTRIBUTE [CERTFILE KEYFILE]
(with the PEM files: over TLS)
"""

from __future__ import annotations

# Patch before anything else imports socket or threading: the app then cooperates with the loop.
from gevent import monkey

monkey.patch_all()

import signal  # noqa: E402
import sys  # noqa: E402

import gevent  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from conformance.servers.scripts._app import load_app  # noqa: E402


def main(host: str, port: str, app_path: str, certfile: str = "", keyfile: str = "") -> None:
    tls = {"certfile": certfile, "keyfile": keyfile} if certfile else {}
    server = WSGIServer((host, int(port)), load_app(app_path), **tls)
    gevent.signal_handler(signal.SIGTERM, server.stop)  # runs in the loop, unlike a Python handler
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:6])
