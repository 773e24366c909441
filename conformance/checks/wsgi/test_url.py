"""PEP 3333, "URL Reconstruction": the PEP's recipe, applied to the environ, gives back the URL
that was requested, with a Host header or without one; an absolute-form target gives only its
path and query.

Every check asks the WSGI probe app's /environ scenario.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.probing import fetch_environ
from conformance.verify import verify


def reconstructed_url(environ: dict[str, Any]) -> str:
    """PEP 3333's URL reconstruction recipe, quoting the path as latin-1 (the octets the server
    decoded), not as quote()'s default UTF-8, which would encode them twice."""
    url = environ.get("wsgi.url_scheme", "") + "://"
    if environ.get("HTTP_HOST"):
        url += environ["HTTP_HOST"]
    else:
        url += str(environ.get("SERVER_NAME", ""))
        default = "443" if environ.get("wsgi.url_scheme") == "https" else "80"
        url += "" if environ.get("SERVER_PORT") == default else ":" + str(environ.get("SERVER_PORT"))
    url += quote(environ.get("SCRIPT_NAME", ""), encoding="latin-1")
    url += quote(environ.get("PATH_INFO", ""), encoding="latin-1")
    if environ.get("QUERY_STRING"):
        url += "?" + environ["QUERY_STRING"]
    return url


@pytest.mark.requirement("WSGI-URL-001")
@pytest.mark.parametrize("target", ["/environ/a/b%20c?x=1&y=%2F", "/environ/caf%C3%A9"], ids=["escapes", "non-ascii"])
def test_the_url_reconstructs_from_the_environ(wsgi: RawClient, target: str) -> None:
    """Host: host.test:8080 and a target with escapes (or UTF-8 octets); the PEP's recipe, quoting
    the path as latin-1, gives the URL back."""
    environ, _ = fetch_environ(wsgi, target, [("Host", "host.test:8080")])
    url = reconstructed_url(environ)
    expected = "http://host.test:8080" + target
    verify(url == expected, sent=f"GET {target} with Host: host.test:8080", expected=expected, got=url)


@pytest.mark.requirement("WSGI-URL-002")
def test_the_url_reconstructs_without_a_host_header(wsgi: RawClient, wsgi_server: ServerProcess) -> None:
    """HTTP/1.0 without Host: the recipe falls back on SERVER_NAME and SERVER_PORT."""
    environ, _ = fetch_environ(wsgi, "/environ/a?x=1", http_version="1.0")
    url = reconstructed_url(environ)
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    except ValueError:
        port = None
    verify(bool(parts.hostname) and port == wsgi_server.port and url.endswith("/environ/a?x=1"),
           sent="GET /environ/a?x=1 HTTP/1.0 (no Host header)",
           expected=f"a URL with a host, port {wsgi_server.port} and path /environ/a?x=1", got=url)


@pytest.mark.requirement("WSGI-URL-004")
def test_an_absolute_form_target_gives_only_the_path(wsgi: RawClient, wsgi_server: ServerProcess) -> None:
    """GET http://HOST:PORT/environ/p?scenario=environ&x=1, naming the server's own address."""
    authority = f"{wsgi_server.host}:{wsgi_server.port}"
    target = f"http://{authority}/environ/p?scenario=environ&x=1"
    response = wsgi.request("GET", target, [("Host", authority)])
    sent = f"GET {target} with Host: {authority}"
    if response.status != 200:
        verify(False, sent=sent, expected="the request accepted (RFC 9112: a server MUST accept the absolute-form)",
               got=f"status {response.status}: {response.body[:100]!r}")
    environ = {key: revive(value) for key, value in response.json()["environ"].items()}
    got = (environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO"), environ.get("QUERY_STRING"))
    verify(got == ("", "/environ/p", "scenario=environ&x=1"), sent=sent,
           expected="SCRIPT_NAME '', PATH_INFO '/environ/p', QUERY_STRING 'scenario=environ&x=1'",
           got="SCRIPT_NAME {!r}, PATH_INFO {!r}, QUERY_STRING {!r}".format(*got))
