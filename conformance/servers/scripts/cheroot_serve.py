"""Serve a WSGI app with cheroot's WSGI server, the way its documentation shows.

Usage: python -m conformance.servers.scripts.cheroot_serve HOST PORT MODULE:ATTRIBUTE [CERTFILE KEYFILE]
(with the PEM files: over TLS, through cheroot's builtin ssl adapter)
"""

from __future__ import annotations

import sys

from cheroot import wsgi
from cheroot.ssl.builtin import BuiltinSSLAdapter

from conformance.servers.scripts._app import load_app


def main(host: str, port: str, app_path: str, certfile: str = "", keyfile: str = "") -> None:
    # SIGTERM keeps its default action (end the process), as for a user who runs this in a shell.
    server = wsgi.Server((host, int(port)), load_app(app_path))
    if certfile:
        server.ssl_adapter = BuiltinSSLAdapter(certfile, keyfile)
    server.start()


if __name__ == "__main__":
    main(*sys.argv[1:6])
