"""Properties of the ASGI HTTP scope and body, over many generated requests (hypothesis).

What the app observes must be exactly what the spec says the server derives from what was sent.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance.clients.raw import RawClient
from conformance.probing import fetch_scope
from conformance.strategies import (
    PROPERTY_SETTINGS,
    encoded_path,
    header_lists,
    path_texts,
    query_strings,
    raw_path_segments,
)
from conformance.verify import verify


@pytest.mark.requirement("ASGI-HTTP-SCOPE-007")
@PROPERTY_SETTINGS
@given(text=path_texts())
def test_path_is_the_decoding_of_the_target(asgi: RawClient, text: str) -> None:
    target = b"/scope/" + encoded_path(text)
    scope, _, _ = fetch_scope(asgi, target)
    verify(scope.get("path") == "/scope/" + text, sent=f"GET {target.decode()}",
           expected=f"path {'/scope/' + text!r}", got=repr(scope.get("path")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-010")
@PROPERTY_SETTINGS
@given(path=raw_path_segments())
def test_raw_path_is_exactly_the_bytes_sent(asgi: RawClient, path: bytes) -> None:
    target = b"/scope/" + path
    scope, _, _ = fetch_scope(asgi, target + b"?q=1")
    if scope.get("raw_path") is None:
        pytest.skip("not applicable: the server does not provide raw_path (optional)")
    verify(scope["raw_path"] == target, sent=f"GET {target.decode()}?q=1",
           expected=f"raw_path {target!r}", got=repr(scope["raw_path"]))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-012")
@PROPERTY_SETTINGS
@given(query=query_strings())
def test_query_string_is_exactly_the_bytes_sent(asgi: RawClient, query: bytes) -> None:
    scope, _, _ = fetch_scope(asgi, b"/scope?" + query)
    verify(scope.get("query_string") == query, sent=f"GET /scope?{query.decode()}",
           expected=f"query_string {query!r}", got=repr(scope.get("query_string")))


@pytest.mark.requirement("ASGI-HTTP-SCOPE-017", "ASGI-HTTP-SCOPE-018")
@PROPERTY_SETTINGS
@given(headers=header_lists())
def test_header_values_keep_their_order_and_duplicates(asgi: RawClient, headers: list[tuple[bytes, bytes]]) -> None:
    scope, _, _ = fetch_scope(asgi, headers=headers)
    pairs = [(bytes(n).lower(), bytes(v)) for n, v in scope.get("headers", [])]
    got = [(n, v) for n, v in pairs if n.startswith(b"x-probe-")]
    for name in {n for n, _ in headers}:
        sent_values = [v for n, v in headers if n == name]
        got_values = [v for n, v in got if n == name]
        verify(got_values == sent_values, sent=f"GET /scope with headers {headers}",
               expected=f"{name.decode()} values {sent_values}, each apart, in order", got=repr(got_values))
