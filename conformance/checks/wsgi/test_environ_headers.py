"""PEP 3333 (and the CGI and HTTP rules it relies on), environ: how request headers become HTTP_
variables, and the variables a server adds of its own.

Every check sends exact bytes with the raw client to the WSGI probe app's /environ scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from conformance.clients.raw import RawClient, Response
from conformance.probe_data import revive
from conformance.probing import fetch_environ
from conformance.verify import verify

PEP_KEYS = {"wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.errors", "wsgi.multithread",
            "wsgi.multiprocess", "wsgi.run_once", "wsgi.file_wrapper"}


def environ_of(response: Response) -> dict[str, Any]:
    return {key: revive(value) for key, value in response.json()["environ"].items()}


@pytest.mark.requirement("WSGI-HV-004")
def test_a_folded_header_is_refused_or_unfolded(wsgi: RawClient) -> None:
    """X-Fold: a, then a continuation line ' b' (obs-fold)."""
    raw = b"GET /environ HTTP/1.1\r\nHost: x\r\nX-Fold: a\r\n b\r\nConnection: close\r\n\r\n"
    response = wsgi.exchange(raw)
    if response.status == 400:
        return
    value = environ_of(response).get("HTTP_X_FOLD") if response.status == 200 else None
    verify(isinstance(value, str) and re.fullmatch(r"a +b", value) is not None,
           sent="GET /environ with X-Fold: a CR LF SP b (a folded header line)",
           expected="400, or HTTP_X_FOLD 'a b' (the fold replaced by spaces, no CR LF)",
           got=f"status {response.status}, HTTP_X_FOLD {value!r}")


@pytest.mark.requirement("WSGI-HV-005")
def test_whitespace_around_a_header_value_is_dropped(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("X-Ws", " \t v w \t")])
    value = environ.get("HTTP_X_WS")
    verify(value == "v w", sent="GET /environ with 'X-Ws: SP TAB SP v w SP TAB'",
           expected="HTTP_X_WS 'v w' (inner space kept)", got=f"HTTP_X_WS {value!r}")


@pytest.mark.requirement("WSGI-HV-006")
def test_header_octets_arrive_as_latin1(wsgi: RawClient) -> None:
    """Raw UTF-8 and a lone 0xFF (obs-text) in a header value; a 400 refusal is not applicable."""
    octets = "caf\u00e9 \u2603".encode() + b" \xff"
    response = wsgi.request("GET", "/environ", [(b"X-Snow", octets)])
    if response.status == 400:
        pytest.skip("not applicable: the server refused obs-text in a header value with 400")
    value = environ_of(response).get("HTTP_X_SNOW")
    try:
        round_trip = value.encode("latin-1") if isinstance(value, str) else None
    except UnicodeEncodeError:
        round_trip = None
    verify(round_trip == octets, sent=f"GET /environ with X-Snow: {octets!r}",
           expected=f"HTTP_X_SNOW {octets.decode('latin-1')!r} (the octets as latin-1)", got=f"HTTP_X_SNOW {value!r}")


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


@pytest.mark.requirement("WSGI-ENV-097")
def test_server_defined_variables_are_spelled_in_lower_case(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """The keys with a dot other than the PEP's own: lower-case letters, digits, dots, underscores."""
    environ, _ = fetch_environ(wsgi, "/environ", method="POST", body=b"x")
    extra = sorted(key for key in environ if "." in key and key not in PEP_KEYS)
    badly_spelled = [key for key in extra if not re.fullmatch(r"[a-z0-9_.]+", key)]
    in_wsgi_namespace = [key for key in extra if key.startswith("wsgi.")]
    observe(f"server-defined variables: {', '.join(extra) or 'none'}"
            + (f"; in the wsgi. namespace: {', '.join(in_wsgi_namespace)}" if in_wsgi_namespace else ""))
    verify(not badly_spelled, sent="POST /environ", expected="every server-defined key in [a-z0-9_.]",
           got=f"spelled otherwise: {badly_spelled}")


