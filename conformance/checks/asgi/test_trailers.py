"""The http.response.trailers extension (extensions.rst, "HTTP Trailers"), over HTTP/2 in cleartext
(h2c, see http2.py): whether the scope advertises it (reported), and where it does, the response
waiting for its trailers, the trailers reaching a client that sent te: trailers, trailers in two
messages, and none to a client that did not ask for them.

The probe's /trailers starts its response with trailers: True, sends a body and then its
trailers as the query string says (delay, more), or answers 501 where the scope does not
advertise the extension.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks.asgi.http2 import h2, scope_of
from conformance.clients.h2 import H2Request, H2Response
from conformance.launcher import ServerProcess
from conformance.verify import verify

TE_TRAILERS = [(b"te", b"trailers")]


def trailers(server: ServerProcess, query: str = "", te: bool = True) -> H2Response:
    response = h2(server, H2Request(path=f"/trailers{query}", headers=TE_TRAILERS if te else []))[0]
    if response.status == 501:
        pytest.skip("not applicable: the server does not advertise http.response.trailers over HTTP/2")
    return response


@pytest.mark.requirement("ASGI-EXT-TRAILERS-001")
def test_whether_trailers_are_offered_is_reported(asgi_server: ServerProcess,
                                                  observe: Callable[[str], None]) -> None:
    scope = scope_of(h2(asgi_server, H2Request(path="/scope", headers=TE_TRAILERS))[0])
    offered = "http.response.trailers" in (scope.get("extensions") or {})
    observe("http.response.trailers " + ("advertised" if offered else "not advertised") + " over HTTP/2")


@pytest.mark.requirement("ASGI-EXT-TRAILERS-002")
def test_the_response_waits_for_its_trailers(asgi_server: ServerProcess) -> None:
    response = trailers(asgi_server, "?delay=0.3")
    verify((b"x-probe-trailer", b"yes") in response.trailers,
           sent="GET /trailers?delay=0.3 over HTTP/2 with te: trailers (0.3 s between the final body and the "
                "trailers)",
           expected="the stream ends only with the trailers", got=f"trailers {response.trailers!r}")


@pytest.mark.requirement("ASGI-EXT-TRAILERS-003")
def test_trailers_reach_a_client_that_asked_for_them(asgi_server: ServerProcess) -> None:
    response = trailers(asgi_server)
    verify(response.body == b"body before trailers" and (b"x-probe-trailer", b"yes") in response.trailers,
           sent="GET /trailers over HTTP/2 with te: trailers (start with trailers: True, a body, trailers)",
           expected="the body, then trailing headers with x-probe-trailer: yes",
           got=f"body {response.body!r}, trailers {response.trailers!r}")


@pytest.mark.requirement("ASGI-EXT-TRAILERS-004")
def test_trailers_in_two_messages_all_arrive(asgi_server: ServerProcess) -> None:
    response = trailers(asgi_server, "?more=1")
    fields = set(response.trailers)
    verify({(b"x-probe-trailer-1", b"first"), (b"x-probe-trailer", b"yes")} <= fields,
           sent="GET /trailers?more=1 over HTTP/2 with te: trailers (trailers with more_trailers true, then more)",
           expected="both x-probe-trailer-1: first and x-probe-trailer: yes", got=f"trailers {response.trailers!r}")


@pytest.mark.requirement("ASGI-EXT-TRAILERS-006")
def test_no_trailers_without_te_trailers(asgi_server: ServerProcess) -> None:
    response = trailers(asgi_server, te=False)
    verify(response.body == b"body before trailers" and not response.trailers and response.reset is None,
           sent="GET /trailers over HTTP/2 without te: trailers",
           expected="the body, a complete response, and no trailing headers",
           got=f"body {response.body!r}, trailers {response.trailers!r}, reset {response.reset}")
