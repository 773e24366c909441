"""Properties of the WSGI environ and input, over many generated requests (hypothesis).

What the app observes must be exactly what PEP 3333 (and the CGI rules it adopts) say the server
derives from what was sent.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance.clients.raw import RawClient
from conformance.probing import fetch_environ
from conformance.strategies import PROPERTY_SETTINGS, bodies, query_strings
from conformance.verify import shown, verify


@pytest.mark.requirement("WSGI-ENV-041")
@PROPERTY_SETTINGS
@given(query=query_strings())
def test_query_string_is_exactly_the_text_sent(wsgi: RawClient, query: bytes) -> None:
    environ, _ = fetch_environ(wsgi, b"/environ?" + query)
    got = environ.get("QUERY_STRING", "")
    verify(got == query.decode("latin-1"), sent=f"GET /environ?{query.decode()}",
           expected=f"QUERY_STRING {query.decode()!r}" + (" (or absent)" if not query else ""), got=repr(got))


@pytest.mark.requirement("WSGI-IN-012")
@PROPERTY_SETTINGS
@given(body=bodies())
def test_input_yields_exactly_the_body_sent(wsgi: RawClient, body: bytes) -> None:
    response = wsgi.request("POST", "/echo", [("Content-Type", "application/octet-stream")], body)
    verify(response.body == body, sent=f"POST /echo with {shown(body, 40)}",
           expected=f"the app reads exactly the {len(body)} bytes", got=shown(response.body, 40))
