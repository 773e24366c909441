"""Serve a WSGI app with werkzeug's development server: ``run_simple`` with its defaults.

Usage: python -m conformance.servers.scripts.werkzeug_serve HOST PORT MODULE:ATTRIBUTE
"""

from __future__ import annotations

import sys

from werkzeug.serving import run_simple

from conformance.servers.scripts._app import load_app


def main(host: str, port: str, app_path: str) -> None:
    run_simple(host, int(port), load_app(app_path))


if __name__ == "__main__":
    main(*sys.argv[1:4])
