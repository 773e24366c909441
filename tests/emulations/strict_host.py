"""An emulation of a server that refuses a Host field with an invalid value (RFC 9112 3.2: "A
server MUST respond with a 400 (Bad Request) status code to any ... request message that contains
... a Host header field with an invalid field value"): uvicorn behind a front that answers 400 to
a Host value with a space in it. No installed ASGI server refuses one.

Usage: python -m tests.emulations.strict_host HOST PORT MODULE:ATTRIBUTE
"""

from __future__ import annotations

import sys

from conformance.servers import lookup
from tests.mutants.lenient_front import refuses, run_before

INVALID_HOST = rb"\r\nHost: [^\r\n]* [^\r\n]*\r\n"


def main(host: str, port: str, app: str) -> None:
    run_before(refuses(INVALID_HOST), lookup("uvicorn").command.replace("{app}", app), host, int(port))


if __name__ == "__main__":
    main(*sys.argv[1:4])
