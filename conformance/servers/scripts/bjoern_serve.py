"""Serve a WSGI app with bjoern, the way its documentation shows.

Usage: python -m conformance.servers.scripts.bjoern_serve HOST PORT MODULE:ATTRIBUTE
"""

from __future__ import annotations

import sys

import bjoern

from conformance.servers.scripts._app import load_app


def main(host: str, port: str, app_path: str) -> None:
    # No Python SIGTERM handler: bjoern's C loop would never run it, and the process would
    # ignore SIGTERM. The default action ends it.
    bjoern.run(load_app(app_path), host, int(port))


if __name__ == "__main__":
    main(*sys.argv[1:4])
