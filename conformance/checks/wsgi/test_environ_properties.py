"""Properties of the WSGI environ and input, over many generated requests (hypothesis).

What the app observes must be exactly what PEP 3333 (and the CGI rules it adopts) say the server
derives from what was sent.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given

from conformance.clients.raw import RawClient
from conformance.probing import fetch_environ
from conformance.strategies import PROPERTY_SETTINGS, bodies, query_strings, raw_path_segments
from conformance.verify import shown, verify


@pytest.mark.requirement("WSGI-STR-004")
@PROPERTY_SETTINGS
@given(path=raw_path_segments())
def test_path_info_is_the_percent_decoded_bytes_as_latin1(wsgi: RawClient, path: bytes) -> None:
    target = b"/environ/" + path
    environ, _ = fetch_environ(wsgi, target)
    expected = unquote_to_bytes(target).decode("latin-1")
    verify(environ.get("PATH_INFO") == expected, sent=f"GET {target.decode()}",
           expected=f"PATH_INFO {expected!r} (the decoded octets as latin-1)", got=repr(environ.get("PATH_INFO")))


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
