"""PEP 3333 (and the CGI and HTTP rules it relies on), environ: how request headers become HTTP_
variables (their names, repeated, folded and padded values, octets beyond ASCII, Host, names
with '_', hop-by-hop headers and Authorization), and that none comes from the server's own OS
environment.

Every check sends a request to the WSGI probe app's /environ scenario, most with exact bytes from
the raw client; the OS environment one asks a dedicated instance started with marker variables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given

from conformance.clients.raw import RawClient, Response
from conformance.probe_data import revive
from conformance.probing import fetch_environ
from conformance.strategies import PROPERTY_SETTINGS, has_obs_text, padded_fields
from conformance.verify import verify


@pytest.mark.requirement("WSGI-HV-001")
def test_http_variables_follow_the_request_headers(wsgi_http: httpx.Client) -> None:
    """One request with X-Probe-A, one without: the variable comes and goes with the header."""
    with_header, _ = fetch_environ(wsgi_http, "/environ", [("X-Probe-A", "value 1")])
    without_header, _ = fetch_environ(wsgi_http, "/environ")
    verify(with_header.get("HTTP_X_PROBE_A") == "value 1" and "HTTP_X_PROBE_A" not in without_header,
           sent="GET /environ with X-Probe-A: value 1, then GET /environ without it",
           expected="HTTP_X_PROBE_A 'value 1', then no HTTP_X_PROBE_A",
           got=f"{with_header.get('HTTP_X_PROBE_A', '<absent>')!r}, then "
               f"{without_header.get('HTTP_X_PROBE_A', '<absent>')!r}")


@pytest.mark.requirement("WSGI-HV-002")
def test_header_names_map_to_upper_case_with_underscores(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("x-MiXeD-cAsE", "v")])
    found = {k: v for k, v in environ.items() if k.upper().startswith("HTTP_X_MIXED")}
    verify(found == {"HTTP_X_MIXED_CASE": "v"}, sent="GET /environ with x-MiXeD-cAsE: v",
           expected="HTTP_X_MIXED_CASE 'v'", got=found or "no such variable")


@pytest.mark.requirement("WSGI-HV-003")
def test_repeated_headers_are_joined_in_order(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("X-Dup", "1"), ("X-Dup", "2")])
    value = environ.get("HTTP_X_DUP")
    verify(value in ("1,2", "1, 2"), sent="GET /environ with X-Dup: 1 and X-Dup: 2",
           expected="HTTP_X_DUP '1,2' or '1, 2'", got=f"HTTP_X_DUP {value!r}")


def environ_of(response: Response) -> dict[str, Any]:
    return {key: revive(value) for key, value in response.json()["environ"].items()}


@pytest.mark.requirement("WSGI-HV-006")
def test_header_octets_arrive_as_latin1(wsgi: RawClient) -> None:
    """Raw UTF-8 and a lone 0xFF (obs-text) in a header value; a 400 refusal is not applicable."""
    octets = "caf\u00e9 \u2603".encode() + b" \xff"
    response = wsgi.request("GET", "/environ", [(b"X-Snow", octets)])
    if response.status == 400:
        pytest.skip("not applicable: the server refused obs-text in a header value with 400 (its failure is "
                    "HTTP1-PARSE-070's)")
    value = environ_of(response).get("HTTP_X_SNOW")
    try:
        round_trip = value.encode("latin-1") if isinstance(value, str) else None
    except UnicodeEncodeError:
        round_trip = None
    verify(round_trip == octets, sent=f"GET /environ with X-Snow: {octets!r}",
           expected=f"HTTP_X_SNOW {octets.decode('latin-1')!r} (the octets as latin-1)", got=f"HTTP_X_SNOW {value!r}")


@pytest.mark.requirement("WSGI-HV-006")
@PROPERTY_SETTINGS
@given(fields=padded_fields())
def test_header_values_arrive_as_latin1_over_the_range_rfc_9110_allows(
        wsgi: RawClient, fields: list[tuple[bytes, bytes, bytes]]) -> None:
    """Values of visible ASCII and obs-text with SP and HTAB inside, sent with OWS around them: each
    HTTP_ variable, encoded as latin-1, gives the value's octets back. (The OWS itself is
    HTTP1-PARSE-051's: ignored here either way; a refusal of obs-text is HTTP1-PARSE-070's: such an
    example is set aside.)"""
    sent = [(name, padded) for name, _, padded in fields]
    response = wsgi.request("GET", "/environ", sent)
    if response.status == 400 and any(has_obs_text(value) for _, value, _ in fields):
        return  # set aside, not rejected: a server refusing all obs-text must still get a verdict
    environ = environ_of(response) if response.status == 200 else {}
    got = {name: environ.get("HTTP_" + name.decode().upper().replace("-", "_")) for name, _, _ in fields}
    octets = {name: value.encode("latin-1", "replace").strip(b" \t") if isinstance(value, str) else value
              for name, value in got.items()}
    wanted = {name: value for name, value, _ in fields}
    verify(octets == wanted, sent=f"GET /environ with the fields {sent} (the padding is OWS)",
           expected=f"HTTP_ variables that encode as latin-1 to {wanted}", got=f"status {response.status}, {got}")


@pytest.mark.requirement("WSGI-HV-007")
@pytest.mark.parametrize("http_version", ["1.1", "1.0"])
def test_http_host_is_the_host_header_as_sent(wsgi: RawClient, http_version: str) -> None:
    """HTTP/1.1 with Host: Example.TEST:8080; HTTP/1.0 with no Host header at all."""
    headers = [("Host", "Example.TEST:8080")] if http_version == "1.1" else []
    environ, _ = fetch_environ(wsgi, "/environ", headers, http_version=http_version)
    value = environ.get("HTTP_HOST")
    wanted = "Example.TEST:8080" if headers else None
    verify(value == wanted, sent=f"GET /environ HTTP/{http_version}" + (" with Host: Example.TEST:8080" if headers
                                                                          else " without a Host header"),
           expected=f"HTTP_HOST {wanted!r}" if wanted else "no HTTP_HOST",
           got=f"HTTP_HOST {value!r}" if "HTTP_HOST" in environ else "no HTTP_HOST")


@pytest.mark.requirement("WSGI-HV-008")
def test_underscore_header_names_are_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """X-Auth-User: real, and X_Auth_User: spoof, which maps to the same CGI name."""
    response = wsgi.request("GET", "/environ", [("X-Auth-User", "real"), ("X_Auth_User", "spoof")])
    if response.status >= 400:
        observe(f"a header name with '_' beside its '-' twin: the request was refused ({response.status})")
        return
    value = {k: revive(v) for k, v in response.json()["environ"].items()}.get("HTTP_X_AUTH_USER")
    observe("X_Auth_User beside X-Auth-User: " + ("the underscore spelling was dropped" if value == "real" else
                                                  f"merged into HTTP_X_AUTH_USER = {value!r}"))


HOP_BY_HOP = [("Connection", "keep-alive, X-Hop"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
              ("Upgrade", "probe/1"), ("X-Hop", "1")]


@pytest.mark.requirement("WSGI-HV-009")
def test_hop_by_hop_headers_in_the_environ_are_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", HOP_BY_HOP)
    names = ["HTTP_" + name.upper().replace("-", "_") for name, _ in HOP_BY_HOP]
    kept = [name for name in names if name in environ]
    removed = [name for name in names if name not in environ]
    observe(f"hop-by-hop request headers: kept {', '.join(kept) or 'none'}; removed {', '.join(removed) or 'none'}")


@pytest.mark.requirement("WSGI-HV-010")
def test_authorization_in_the_environ_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("Authorization", "Basic eDp5")])
    value = environ.get("HTTP_AUTHORIZATION")
    observe("Authorization: " + (f"passed on as HTTP_AUTHORIZATION {value!r}" if value is not None
                                 else "removed (no HTTP_AUTHORIZATION)"))


@pytest.mark.requirement("WSGI-HV-011")
def test_no_http_variable_comes_from_the_os_environment(os_marked_environ: dict[str, Any]) -> None:
    value = os_marked_environ.get("HTTP_X_PROBE_OS")
    verify(value is None, sent="GET /environ without X-Probe-Os, to a server started with HTTP_X_PROBE_OS=leak",
           expected="no HTTP_X_PROBE_OS", got=f"HTTP_X_PROBE_OS {value!r}")
