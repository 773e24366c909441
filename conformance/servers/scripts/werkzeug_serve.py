"""Serve a WSGI app with werkzeug's development server: ``run_simple`` with its defaults.

Usage: python -m conformance.servers.scripts.werkzeug_serve HOST PORT MODULE:ATTRIBUTE [CERTFILE KEYFILE]
(with the PEM files: over TLS, run_simple's ssl_context)
"""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from conformance.servers.scripts._app import load_app


def main(host: str, port: str, app_path: str, certfile: str = "", keyfile: str = "") -> None:
    run_simple(host, int(port), load_app(app_path), ssl_context=(certfile, keyfile) if certfile else None)


if __name__ == "__main__":
    main(*sys.argv[1:6])
