"""PEP 3333 (and the CGI rules it adopts), environ: how the request target becomes SCRIPT_NAME,
PATH_INFO and QUERY_STRING, what SERVER_NAME and CONTENT_LENGTH look like, and the PEP's URL
reconstruction recipe.

Every check asks the WSGI probe app's /environ scenario; a target whose path names no scenario
(/, a normalised or mis-split path) names it in ?scenario=environ.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.probing import fetch_environ
from conformance.verify import verify

# A host as CGI's SERVER_NAME may be: a host name (letters, digits, '-', '_', '.'), an IPv4
# address, or an IPv6 address in brackets. No port, no '/', no space.
HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?|\[[0-9A-Fa-f:.]+\]")


def environ_or_status(wsgi: RawClient, target: bytes | str) -> tuple[dict[str, Any] | None, int]:
    """The environ the app saw, or None with the status when the server answered itself."""
    response = wsgi.request("GET", target)
    if response.status != 200:
        return None, response.status
    return {key: revive(value) for key, value in response.json()["environ"].items()}, response.status


@pytest.mark.requirement("WSGI-ENV-021")
def test_the_server_root_is_an_empty_script_name_and_a_slash(wsgi: RawClient) -> None:
    """GET /?scenario=environ to an app mounted at the server root."""
    environ, _ = fetch_environ(wsgi, "/?scenario=environ")
    script_name, path_info = environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "<absent>")
    verify(script_name == "" and path_info == "/", sent="GET /?scenario=environ",
           expected="SCRIPT_NAME '' (or absent), never '/'; PATH_INFO '/'",
           got=f"SCRIPT_NAME {script_name!r}, PATH_INFO {path_info!r}")


@pytest.mark.requirement("WSGI-ENV-033")
def test_path_info_keeps_the_case_sent(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ/MiXeD/CaSe")
    verify(environ.get("PATH_INFO") == "/environ/MiXeD/CaSe", sent="GET /environ/MiXeD/CaSe",
           expected="PATH_INFO '/environ/MiXeD/CaSe'", got=f"PATH_INFO {environ.get('PATH_INFO')!r}")


@pytest.mark.requirement("WSGI-ENV-034")
def test_an_encoded_slash_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, status = environ_or_status(wsgi, "/environ/a%2Fb?scenario=environ")
    if environ is None:
        observe(f"a path with %2F: refused by the server ({status})")
        return
    path_info = environ.get("PATH_INFO")
    how = {"/environ/a/b": "decoded to '/' (the app cannot tell it from a real '/')",
           "/environ/a%2Fb": "kept encoded as %2F", "/environ/a%2fb": "kept encoded as %2f"}
    observe(f"a path with %2F: {how.get(path_info, 'gave PATH_INFO ' + repr(path_info))}")


@pytest.mark.requirement("WSGI-ENV-035")
def test_path_info_is_empty_or_starts_with_a_slash(wsgi: RawClient, wsgi_server: ServerProcess,
                                                   observe: Callable[[str], None]) -> None:
    """GET http://HOST:PORT?scenario=environ: an absolute-form target with no path at all."""
    authority = f"{wsgi_server.host}:{wsgi_server.port}"
    request_target = f"http://{authority}?scenario=environ"
    response = wsgi.request("GET", request_target, [("Host", authority), ("X-Probe-Scenario", "environ")])
    sent = f"GET {request_target}"
    if response.header("X-Probe-Pid") is None:
        observe(f"{sent}: answered by the server itself ({response.status}), the app not called")
        return
    environ = {key: revive(value) for key, value in response.json()["environ"].items()}
    path_info = environ.get("PATH_INFO", "")
    verify(path_info == "" or path_info.startswith("/"), sent=sent,
           expected="PATH_INFO '' (or absent) or beginning with '/' (or the server answers itself)",
           got=f"PATH_INFO {path_info!r}")


NORMALISED_PATHS = [b"//environ//x", b"/environ/a/./b/../c"]


@pytest.mark.requirement("WSGI-ENV-037")
def test_path_normalisation_is_reported(wsgi: RawClient, wsgi_server: ServerProcess,
                                        observe: Callable[[str], None]) -> None:
    """Two targets with an empty segment and dot-segments, and OPTIONS * (no path at all: the
    server may answer it itself); what PATH_INFO the app got for each."""
    seen = []
    authority = f"{wsgi_server.host}:{wsgi_server.port}"
    asterisk = wsgi.request("OPTIONS", "*", [("Host", authority), ("X-Probe-Scenario", "environ")])
    if asterisk.header("X-Probe-Pid") is None:
        seen.append(f"OPTIONS * answered by the server itself ({asterisk.status})")
    else:
        environ = {key: revive(value) for key, value in asterisk.json()["environ"].items()}
        seen.append(f"OPTIONS * reached the app with PATH_INFO {environ.get('PATH_INFO', '')!r}")
    for path in NORMALISED_PATHS:
        environ, status = environ_or_status(wsgi, path + b"?scenario=environ")
        sent = path.decode()
        if environ is None:
            seen.append(f"{sent} refused ({status})")
        else:
            got = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            seen.append(f"{sent} kept as sent" if got == sent else f"{sent} normalised to {got!r}")
    observe("; ".join(seen))


@pytest.mark.requirement("WSGI-ENV-042")
def test_query_string_without_a_query_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    value = environ.get("QUERY_STRING")
    observe("no query: QUERY_STRING " + ("absent" if value is None else f"{value!r}"))


@pytest.mark.requirement("WSGI-ENV-062")
@pytest.mark.parametrize(("method", "body", "headers"), [
    ("GET", b"", []), ("POST", b"hello", []), ("POST", b"", [("Content-Length", "0")]),
], ids=["no-body", "body", "zero-length"])
def test_content_length_is_digits_or_empty(wsgi: RawClient, method: str, body: bytes,
                                           headers: list[tuple[str, str]]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", headers, method=method, body=body)
    value = environ.get("CONTENT_LENGTH", "")
    verify(isinstance(value, str) and re.fullmatch(r"[0-9]*", value) is not None,
           sent=f"{method} /environ with a {len(body)}-byte body" + (" and Content-Length: 0" if headers else ""),
           expected="CONTENT_LENGTH absent, '' or only digits", got=f"CONTENT_LENGTH {value!r}")


@pytest.mark.requirement("WSGI-ENV-072")
@pytest.mark.parametrize("http_version", ["1.1", "1.0"])
def test_server_name_is_a_host(wsgi: RawClient, http_version: str) -> None:
    """With Host (HTTP/1.1) and without (HTTP/1.0): a host name or address, whichever the server picks."""
    environ, _ = fetch_environ(wsgi, "/environ", http_version=http_version)
    name = environ.get("SERVER_NAME")
    verify(isinstance(name, str) and HOST_NAME.fullmatch(name) is not None,
           sent=f"GET /environ HTTP/{http_version}" + (" (no Host header)" if http_version == "1.0" else ""),
           expected="SERVER_NAME a host name or IP address (no port, no '/', no space)", got=f"SERVER_NAME {name!r}")


