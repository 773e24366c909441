"""PEP 3333, "A Note On String Types" and "Unicode Issues": environ keys and values are native
strings within latin-1, request octets arrive as latin-1 (the path here, header values in
test_http_variables.py), wsgi.input gives bytes, and response header values go out as latin-1.

Most checks ask the WSGI probe app's /environ scenario; one runs over many generated paths
(hypothesis).
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

import httpx
import pytest
from hypothesis import given

from conformance.checks.wire import target
from conformance.clients.raw import RawClient, WireError
from conformance.probe_data import revive
from conformance.probing import fetch_environ
from conformance.strategies import PROPERTY_SETTINGS, raw_path_segments
from conformance.verify import verify


@pytest.mark.requirement("WSGI-STR-001")
def test_environ_keys_are_native_strings(wsgi_http: httpx.Client) -> None:
    key_types = wsgi_http.get("/environ").json()["key_types"]
    verify(key_types == ["str"], sent="GET /environ", expected="every key of type str", got=f"key types {key_types}")


@pytest.mark.requirement("WSGI-STR-002")
def test_no_environ_string_holds_characters_above_u00ff(wsgi: RawClient) -> None:
    """UTF-8 sent percent-encoded in the path and raw (as obs-text) in a header value.

    A request target must be ASCII on the wire, so only the header carries raw octets; a server
    may refuse obs-text with a 400 (RFC 9110 does not oblige it to accept), which this check accepts.
    """
    snowman = "\u2603".encode()
    target = b"/environ/%E2%98%83"
    response = wsgi.request("GET", target, [(b"X-Snow", snowman)])
    if response.status == 400:
        pytest.skip("not applicable: the server refused obs-text in a header value with 400 (its failure is "
                    "HTTP1-PARSE-070's)")
    environ = {k: revive(v) for k, v in response.json()["environ"].items()}
    wide = {key: value for key, value in environ.items()
            if isinstance(value, str) and any(ord(ch) > 0xFF for ch in value)}
    verify(not wide, sent=f"GET {target.decode()} with X-Snow: {snowman!r}",
           expected="every str in environ within U+0000..U+00FF", got=f"wider characters in {wide}")


@pytest.mark.requirement("WSGI-STR-004")
@pytest.mark.parametrize(
    ("target", "octets"),
    [(b"/environ/caf%C3%A9", b"/environ/caf\xc3\xa9"), (b"/environ/%FF%FEx", b"/environ/\xff\xfex")],
    ids=["utf8", "invalid-utf8"],
)
def test_non_ascii_path_bytes_arrive_as_latin1(wsgi: RawClient, target: bytes, octets: bytes) -> None:
    """PATH_INFO.encode('latin-1') must give back exactly the decoded octets, even invalid UTF-8."""
    environ, _ = fetch_environ(wsgi, target)
    path_info = environ.get("PATH_INFO", "")
    try:
        round_trip = path_info.encode("latin-1")
    except UnicodeEncodeError:
        round_trip = None
    verify(round_trip == octets, sent=f"GET {target.decode()}",
           expected=f"PATH_INFO == {octets.decode('latin-1')!r} (the bytes {octets!r} as latin-1)",
           got=f"PATH_INFO {path_info!r}")


@pytest.mark.requirement("WSGI-STR-004")
@PROPERTY_SETTINGS
@given(path=raw_path_segments())
def test_path_info_is_the_percent_decoded_bytes_as_latin1(wsgi: RawClient, path: bytes) -> None:
    target = b"/environ/" + path
    environ, _ = fetch_environ(wsgi, target)
    expected = unquote_to_bytes(target).decode("latin-1")
    verify(environ.get("PATH_INFO") == expected, sent=f"GET {target.decode()}",
           expected=f"PATH_INFO {expected!r} (the decoded octets as latin-1)", got=repr(environ.get("PATH_INFO")))


@pytest.mark.requirement("WSGI-STR-005")
def test_read_returns_bytes(wsgi: RawClient) -> None:
    response = wsgi.request("POST", "/echo?mode=chunks&size=3", [], b"abcdefg")
    types = (response.header("X-Probe-Read-Types") or b"").decode()
    verify(types and set(types.split(",")) == {"bytes"}, sent="POST /echo?mode=chunks&size=3 with b'abcdefg'",
           expected="every read() result of type bytes", got=f"read() returned: {types or 'nothing'}")


@pytest.mark.requirement("WSGI-STR-006")
def test_header_values_go_out_as_latin1(wsgi: RawClient) -> None:
    """The app's header value is the str 'café' (é is U+00E9)."""
    path = target("/respond", ("h", "X-Latin:caf\u00e9"), ("h", "Content-Type:text/plain"), ("body", "x"))
    response = wsgi.request("GET", path)
    verify(response.header("X-Latin") == b"caf\xe9", sent=f"GET {path}", expected="X-Latin: b'caf\\xe9'",
           got=f"X-Latin: {response.header('X-Latin')!r}")


@pytest.mark.requirement("WSGI-STR-007")
def test_a_header_value_beyond_latin1_is_an_error(wsgi: RawClient) -> None:
    """start_response with X-Snow: '\\u2603' (a snowman)."""
    try:
        response = wsgi.request("GET", "/bad-header?case=non-latin-1-value")
    except WireError:
        return  # the connection was closed on the app: the error was fatal, as it should be
    raised = response.body.decode("latin-1").removeprefix("raised=") if response.status == 200 else None
    verify(response.status >= 500 or raised not in (None, "none"), sent="GET /bad-header?case=non-latin-1-value",
           expected="start_response raises, or an error response or a close",
           got=f"status {response.status} with X-Snow: {response.header('X-Snow')!r}")
