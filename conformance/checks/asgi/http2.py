"""What the checks over HTTP/2 share: whether the server speaks HTTP/2 in cleartext with prior
knowledge (h2c), asked once per server instance, and the requests sent that way; a server that
does not answer the HTTP/2 connection preface makes every such check not applicable (www.rst,
"HTTP"). A check over TLS, where ALPN picks h2 on the shared TLS instance (the adapter's tls
launch variant; conformance/checks/launching.py), is not applicable where ALPN picks HTTP/1.1.

The probe scenarios are the HTTP/1.1 ones (/scope, /echo, /respond, /stream, /linger, /trailers,
/push, /early-hint); scope_of reads the scope from the probe's answer.
"""

from __future__ import annotations

import json

import pytest

from conformance.checks.per_instance import PerInstance
from conformance.clients.h2 import H2Request, H2Response, exchange, speaks_h2c
from conformance.launcher import ServerProcess
from conformance.probe_data import revive

_speaks: PerInstance[bool] = PerInstance()


def h2(server: ServerProcess, *requests: H2Request) -> list[H2Response]:
    """The responses to ``requests``, sent at once on one h2c connection; skip if no HTTP/2."""
    if not _speaks.once(server, "h2c", lambda: speaks_h2c(server.host, server.port)):
        pytest.skip("not applicable: the server does not speak HTTP/2 in cleartext (h2c, prior knowledge)")
    return exchange(server.host, server.port, list(requests))


def scope_of(response: H2Response) -> dict:
    try:
        return revive(json.loads(response.body)["scope"])
    except (ValueError, KeyError):
        raise AssertionError(f"expected the probe app's JSON, got status {response.status} and body "
                             f"{response.body[:200]!r}") from None
