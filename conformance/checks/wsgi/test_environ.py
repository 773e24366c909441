"""PEP 3333 (and the CGI rules it adopts), environ: the CGI variables. REQUEST_METHOD; how the
request target becomes SCRIPT_NAME, PATH_INFO and QUERY_STRING, also for a server mounted at a
prefix; CONTENT_TYPE and CONTENT_LENGTH; SERVER_NAME, SERVER_PORT and SERVER_PROTOCOL; the other
CGI variables (HTTPS over TLS, the server's own OS environment), and how server-defined keys are
spelled. The HTTP_ variables are in test_http_variables.py, the wsgi.* keys in test_keys.py, the
string types in test_strings.py and the URL recipe in test_url.py.

Every check asks the WSGI probe app's /environ scenario, which answers with the environ it was
called with (values of their exact types); a target whose path names no scenario (/, a
normalised or mis-split path) names it in ?scenario=environ. The mounted checks ask a dedicated
instance started by the adapter's root_path launch variant, the TLS one the shared TLS instance
(conformance/checks/launching.py); a server whose adapter has no such variant is reported not
applicable.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given

from conformance.checks.launching import needs_variant
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive, type_name
from conformance.probing import fetch_environ
from conformance.servers import ServerSpec
from conformance.strategies import PROPERTY_SETTINGS, query_strings
from conformance.verify import verify


@pytest.mark.requirement("WSGI-ENV-001")
def test_environ_is_a_builtin_dict(wsgi_http: httpx.Client) -> None:
    """GET /environ; the app reports the exact type of its environ."""
    environ_type = wsgi_http.get("/environ").json()["environ_type"]
    verify(environ_type == "builtins.dict", sent="GET /environ",
           expected="environ of type builtins.dict", got=environ_type)


@pytest.mark.requirement("WSGI-ENV-002")
def test_cgi_variables_with_a_value_are_present(wsgi: RawClient) -> None:
    """A POST whose every CGI variable has a non-empty value: all of them must be there."""
    environ, _ = fetch_environ(wsgi, "/environ/path?q=1", [("Content-Type", "text/plain")],
                               method="POST", body=b"hello")
    required = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "CONTENT_TYPE", "CONTENT_LENGTH",
                "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL")
    missing = [key for key in required if key not in environ]
    verify(not missing, sent="POST /environ/path?q=1 with Content-Type: text/plain and a 5-byte body",
           expected=f"all of {', '.join(required)} present", got=f"missing: {', '.join(missing)}")


@pytest.mark.requirement("WSGI-ENV-010")
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_request_method_is_the_method_sent(wsgi_http: httpx.Client, method: str) -> None:
    body = b"x" if method in ("POST", "PUT", "PATCH") else b""
    environ, _ = fetch_environ(wsgi_http, "/environ", method=method, body=body)
    verify(environ.get("REQUEST_METHOD") == method, sent=f"{method} /environ",
           expected=f"REQUEST_METHOD == {method!r}", got=f"REQUEST_METHOD = {environ.get('REQUEST_METHOD')!r}")


@pytest.mark.requirement("WSGI-ENV-011")
@pytest.mark.parametrize("method", ["PROPFIND", "PURGE", "get"])
def test_extension_and_lower_case_methods_reach_the_app_as_sent(wsgi: RawClient, method: str,
                                                                observe: Callable[[str], None]) -> None:
    """A WebDAV method, a cache-purge method and a lower-case 'get': each a token, so a method."""
    response = wsgi.request(method, "/environ")
    if response.header("X-Probe-Pid") is None:
        observe(f"{method} refused by the server ({response.status})")
        return
    environ = {key: revive(value) for key, value in response.json()["environ"].items()}
    verify(environ.get("REQUEST_METHOD") == method, sent=f"{method} /environ",
           expected=f"REQUEST_METHOD {method!r}, byte for byte (or the request refused)",
           got=f"REQUEST_METHOD {environ.get('REQUEST_METHOD')!r}")


@pytest.mark.requirement("WSGI-ENV-020")
@pytest.mark.parametrize("path", ["/environ", "/environ/a/b", "/environ/"])
def test_script_name_and_path_info_split_the_path(wsgi: RawClient, path: str) -> None:
    """The probe is mounted at the server root: SCRIPT_NAME is empty, PATH_INFO is the whole path."""
    environ, _ = fetch_environ(wsgi, path)
    script_name, path_info = environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")
    verify(script_name == "" and script_name + path_info == path, sent=f"GET {path}",
           expected=f"SCRIPT_NAME '' (or absent) and SCRIPT_NAME + PATH_INFO == {path!r}",
           got=f"SCRIPT_NAME {script_name!r}, PATH_INFO {path_info!r}")


@pytest.mark.requirement("WSGI-ENV-021")
def test_the_server_root_is_an_empty_script_name_and_a_slash(wsgi: RawClient) -> None:
    """GET /?scenario=environ to an app mounted at the server root."""
    environ, _ = fetch_environ(wsgi, "/?scenario=environ")
    script_name, path_info = environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "<absent>")
    verify(script_name == "" and path_info == "/", sent="GET /?scenario=environ",
           expected="SCRIPT_NAME '' (or absent), never '/'; PATH_INFO '/'",
           got=f"SCRIPT_NAME {script_name!r}, PATH_INFO {path_info!r}")


MOUNT = "/mnt/probe"


def answer(client: RawClient, target: str) -> tuple[dict[str, Any] | None, int]:
    response = client.request("GET", target)
    if response.status != 200 or not response.body.startswith(b"{"):
        return None, response.status
    return {key: revive(value) for key, value in response.json()["environ"].items()}, response.status


@pytest.fixture(scope="module")
def mounted(dedicated_server: Callable, server_spec: ServerSpec) -> Iterator[RawClient]:
    """A client of a dedicated instance started mounted at MOUNT."""
    needs_variant(server_spec, "root_path")
    with dedicated_server("wsgi", variant="root_path", values={"root_path": MOUNT}) as server:
        yield RawClient(server.host, server.port)


def split(environ: dict[str, Any]) -> tuple[str, str]:
    return environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")


@pytest.mark.requirement("WSGI-ENV-022")
def test_script_name_is_the_mount_point(mounted: RawClient) -> None:
    target = f"{MOUNT}/environ/x"
    environ, status = answer(mounted, target)
    got = split(environ) if environ else None
    verify(got == (MOUNT, "/environ/x"), sent=f"GET {target} to a server mounted at {MOUNT}",
           expected=f"SCRIPT_NAME {MOUNT!r}, PATH_INFO '/environ/x'",
           got=f"SCRIPT_NAME {got[0]!r}, PATH_INFO {got[1]!r}" if got else f"status {status}")


@pytest.mark.requirement("WSGI-ENV-022")
def test_the_mount_point_ends_at_a_segment_boundary(mounted: RawClient) -> None:
    """GET {MOUNT}x: a path that only starts with the mount point's characters."""
    target = f"{MOUNT}x?scenario=environ"
    environ, status = answer(mounted, target)
    if environ is None:
        return  # not the app's: the server answered it itself (404, say)
    script_name, path_info = split(environ)
    verify(script_name + path_info == f"{MOUNT}x" and script_name != MOUNT,
           sent=f"GET {target} to a server mounted at {MOUNT}",
           expected=f"not served by the app, or SCRIPT_NAME + PATH_INFO == {MOUNT + 'x'!r} without SCRIPT_NAME "
                    f"{MOUNT!r} (a PATH_INFO of 'x' is no path segment)",
           got=f"SCRIPT_NAME {script_name!r}, PATH_INFO {path_info!r}")


@pytest.mark.requirement("WSGI-ENV-030")
def test_the_mount_point_itself_is_reported(mounted: RawClient, observe: Callable[[str], None]) -> None:
    environ, status = answer(mounted, f"{MOUNT}?scenario=environ")
    if environ is None:
        observe(f"a request for the mount point itself ({MOUNT}) was answered by the server: {status}")
        return
    script_name, path_info = split(environ)
    observe(f"GET {MOUNT}: SCRIPT_NAME {script_name!r}, PATH_INFO "
            + (repr(path_info) if "PATH_INFO" in environ else "absent"))


@pytest.mark.requirement("WSGI-ENV-031")
def test_path_info_is_percent_decoded(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, b"/environ/a%20b%41+c")
    verify(environ.get("PATH_INFO") == "/environ/a bA+c", sent="GET /environ/a%20b%41+c",
           expected="PATH_INFO '/environ/a bA+c' (escapes decoded, '+' kept)",
           got=f"PATH_INFO {environ.get('PATH_INFO')!r}")


@pytest.mark.requirement("WSGI-ENV-033")
def test_path_info_keeps_the_case_sent(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ/MiXeD/CaSe")
    verify(environ.get("PATH_INFO") == "/environ/MiXeD/CaSe", sent="GET /environ/MiXeD/CaSe",
           expected="PATH_INFO '/environ/MiXeD/CaSe'", got=f"PATH_INFO {environ.get('PATH_INFO')!r}")


def environ_or_status(wsgi: RawClient, target: bytes | str) -> tuple[dict[str, Any] | None, int]:
    """The environ the app saw, or None with the status when the server answered itself."""
    response = wsgi.request("GET", target)
    if response.status != 200:
        return None, response.status
    return {key: revive(value) for key, value in response.json()["environ"].items()}, response.status


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


@pytest.mark.requirement("WSGI-ENV-041", "WSGI-ENV-043")
@pytest.mark.parametrize(
    ("target", "query"),
    [(b"/environ?x=1&y=%20+z", "x=1&y=%20+z"), (b"/environ?a?b=c", "a?b=c"), (b"/environ", ""), (b"/environ?", "")],
    ids=["encoded", "second-question-mark", "none", "empty"],
)
def test_query_string_is_exactly_what_follows_the_question_mark(wsgi: RawClient, target: bytes, query: str) -> None:
    environ, _ = fetch_environ(wsgi, target)
    got = environ.get("QUERY_STRING", "")
    verify(got == query and environ.get("PATH_INFO") == "/environ", sent=f"GET {target.decode()}",
           expected=f"QUERY_STRING {query!r}" + (" (or absent)" if not query else "") + ", PATH_INFO '/environ'",
           got=f"QUERY_STRING {environ.get('QUERY_STRING', '<absent>')!r}, PATH_INFO {environ.get('PATH_INFO')!r}")


@pytest.mark.requirement("WSGI-ENV-041")
@PROPERTY_SETTINGS
@given(query=query_strings())
def test_query_string_is_exactly_the_text_sent(wsgi: RawClient, query: bytes) -> None:
    environ, _ = fetch_environ(wsgi, b"/environ?" + query)
    got = environ.get("QUERY_STRING", "")
    verify(got == query.decode("latin-1"), sent=f"GET /environ?{query.decode()}",
           expected=f"QUERY_STRING {query.decode()!r}" + (" (or absent)" if not query else ""), got=repr(got))


@pytest.mark.requirement("WSGI-ENV-042")
def test_query_string_without_a_query_is_empty_or_absent(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    value = environ.get("QUERY_STRING")
    observe("no query: QUERY_STRING " + ("absent" if value is None else f"{value!r}"))
    verify(value in (None, ""), sent="GET /environ (no query)", expected="QUERY_STRING '' or absent",
           got=f"QUERY_STRING {value!r}")


@pytest.mark.requirement("WSGI-ENV-050")
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=UTF-8",
                                          'text/plain; charset="utf-8"; format=flowed'], ids=["charset", "quoted"])
def test_content_type_is_the_header_sent(wsgi: RawClient, content_type: str) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("Content-Type", content_type)], method="POST", body=b"a=1")
    verify(environ.get("CONTENT_TYPE") == content_type, sent=f"POST /environ with Content-Type: {content_type}",
           expected=f"CONTENT_TYPE {content_type!r}", got=f"CONTENT_TYPE {environ.get('CONTENT_TYPE', '<absent>')!r}")


@pytest.mark.requirement("WSGI-ENV-051")
def test_content_type_is_not_invented(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    verify(environ.get("CONTENT_TYPE", "") == "", sent="GET /environ (no Content-Type)",
           expected="CONTENT_TYPE absent or ''", got=f"CONTENT_TYPE {environ.get('CONTENT_TYPE')!r}")


@pytest.mark.requirement("WSGI-ENV-060")
@pytest.mark.parametrize("size", [5, 70_000, 0])
def test_content_length_is_the_header_sent(wsgi: RawClient, size: int) -> None:
    """Content-Length: 0 may give '0', '' or no CONTENT_LENGTH at all."""
    environ, _ = fetch_environ(wsgi, "/environ", [("Content-Length", "0")] if size == 0 else [],
                               method="POST", body=b"x" * size)
    allowed = ("0", "", None) if size == 0 else (str(size),)
    verify(environ.get("CONTENT_LENGTH") in allowed, sent=f"POST /environ with Content-Length: {size}",
           expected="CONTENT_LENGTH " + (" or ".join(map(repr, allowed[:2])) + " (or absent)" if size == 0
                                         else repr(str(size))),
           got=f"CONTENT_LENGTH {environ.get('CONTENT_LENGTH', '<absent>')!r}")


@pytest.mark.requirement("WSGI-ENV-061")
def test_content_length_without_a_body_is_empty_or_absent(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    value = environ.get("CONTENT_LENGTH")
    observe("a GET without a body: CONTENT_LENGTH " + ("absent" if value is None else repr(value)))
    verify(value in (None, ""), sent="GET /environ (no body, no Content-Length)",
           expected="CONTENT_LENGTH '' or absent", got=f"CONTENT_LENGTH {value!r}")


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


@pytest.mark.requirement("WSGI-ENV-070")
@pytest.mark.parametrize("http_version", ["1.1", "1.0"])
def test_server_name_and_port_are_non_empty_strings(wsgi: RawClient, http_version: str) -> None:
    """HTTP/1.0 without a Host header too: the server must still fill both in."""
    environ, _ = fetch_environ(wsgi, "/environ", http_version=http_version)
    values = {key: environ.get(key) for key in ("SERVER_NAME", "SERVER_PORT")}
    ok = all(type(v) is str and v for v in values.values())
    verify(ok, sent=f"GET /environ HTTP/{http_version}" + (" (no Host header)" if http_version == "1.0" else ""),
           expected="SERVER_NAME and SERVER_PORT present as non-empty str",
           got=", ".join(f"{k} {v!r} ({type_name(v)})" for k, v in values.items()))


@pytest.mark.requirement("WSGI-ENV-071")
def test_server_port_is_the_port_the_request_came_in_on(wsgi: RawClient, wsgi_server: ServerProcess) -> None:
    """The Host header names another port; SERVER_PORT must still be the listening port."""
    environ, _ = fetch_environ(wsgi, "/environ", [("Host", "example.test:9999")])
    verify(environ.get("SERVER_PORT") == str(wsgi_server.port),
           sent=f"GET /environ to port {wsgi_server.port} with Host: example.test:9999",
           expected=f"SERVER_PORT {str(wsgi_server.port)!r} (a str)",
           got=f"SERVER_PORT {environ.get('SERVER_PORT')!r} ({type_name(environ.get('SERVER_PORT'))})")


# A host as CGI's SERVER_NAME may be: a host name (letters, digits, '-', '_', '.'), an IPv4
# address, or an IPv6 address in brackets. No port, no '/', no space.
HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?|\[[0-9A-Fa-f:.]+\]")


@pytest.mark.requirement("WSGI-ENV-072")
@pytest.mark.parametrize("http_version", ["1.1", "1.0"])
def test_server_name_is_a_host(wsgi: RawClient, http_version: str) -> None:
    """With Host (HTTP/1.1) and without (HTTP/1.0): a host name or address, whichever the server picks."""
    environ, _ = fetch_environ(wsgi, "/environ", http_version=http_version)
    name = environ.get("SERVER_NAME")
    verify(isinstance(name, str) and HOST_NAME.fullmatch(name) is not None,
           sent=f"GET /environ HTTP/{http_version}" + (" (no Host header)" if http_version == "1.0" else ""),
           expected="SERVER_NAME a host name or IP address (no port, no '/', no space)", got=f"SERVER_NAME {name!r}")


@pytest.mark.requirement("WSGI-ENV-080")
@pytest.mark.parametrize("http_version", ["1.0", "1.1"])
def test_server_protocol_is_the_protocol_of_the_request(wsgi: RawClient, http_version: str) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", http_version=http_version)
    verify(environ.get("SERVER_PROTOCOL") == f"HTTP/{http_version}", sent=f"GET /environ HTTP/{http_version}",
           expected=f"SERVER_PROTOCOL 'HTTP/{http_version}'", got=f"SERVER_PROTOCOL {environ.get('SERVER_PROTOCOL')!r}")


# CGI variables beyond the PEP's list (and some no spec defines), reported as given.
OTHER_VARIABLES = ("REMOTE_HOST", "REMOTE_PORT", "GATEWAY_INTERFACE", "REQUEST_URI", "RAW_URI", "PATH_TRANSLATED")


@pytest.mark.requirement("WSGI-ENV-090")
def test_other_applicable_cgi_variables_are_provided(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    """GET /environ: SERVER_SOFTWARE must be there; the others given are reported."""
    environ, _ = fetch_environ(wsgi, "/environ")
    given = [f"{key}={environ[key]!r}" for key in OTHER_VARIABLES if key in environ]
    observe("other variables given: " + (", ".join(given) or "none"))
    software = environ.get("SERVER_SOFTWARE")
    verify(isinstance(software, str) and software != "", sent="GET /environ",
           expected="SERVER_SOFTWARE, the name of the server (RFC 3875 section 4.1.17), a non-empty str",
           got=f"SERVER_SOFTWARE {software!r}" if "SERVER_SOFTWARE" in environ else "no SERVER_SOFTWARE")


@pytest.mark.requirement("WSGI-ENV-091")
def test_remote_addr_is_the_clients_address(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    verify(environ.get("REMOTE_ADDR") == "127.0.0.1", sent="GET /environ from 127.0.0.1",
           expected="REMOTE_ADDR '127.0.0.1'", got=f"REMOTE_ADDR {environ.get('REMOTE_ADDR', '<absent>')!r}")


@pytest.mark.requirement("WSGI-ENV-092")
def test_https_is_on_over_tls(tls_environ: dict[str, Any], observe: Callable[[str], None]) -> None:
    # (an SSL_ variable the server inherited from the suite's own environment is no Apache one)
    ssl_keys = sorted(key for key, value in tls_environ.items()
                      if key.startswith("SSL_") and os.environ.get(key) != value)
    observe(f"over TLS: SSL_* variables {', '.join(ssl_keys) or 'none'}")
    value = tls_environ.get("HTTPS")
    verify(isinstance(value, str) and value.lower() in ("on", "1"), sent="GET /environ over TLS",
           expected="HTTPS 'on' (or '1')", got=f"HTTPS {value!r}" if "HTTPS" in tls_environ else "no HTTPS")


@pytest.mark.requirement("WSGI-ENV-093")
def test_variables_without_a_value_are_left_out(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    present = {key: environ[key] for key in ("REMOTE_USER", "AUTH_TYPE") if key in environ}
    verify(not present, sent="GET /environ (no authentication)", expected="no REMOTE_USER or AUTH_TYPE",
           got=f"present: {present}")


@pytest.mark.requirement("WSGI-ENV-094")
def test_whether_os_variables_are_copied_is_reported(os_marked_environ: dict[str, Any],
                                                     observe: Callable[[str], None]) -> None:
    value = os_marked_environ.get("PROBE_OS_MARKER")
    observe("the server's OS environment is " + ("copied into the environ" if value == "os-marker" else
                                                "not copied into the environ"))


# The meta-variables RFC 3875 defines (section 4.1); with the HTTP_ ones (4.1.18), the CGI variables.
CGI_META_VARIABLES = frozenset({
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE", "PATH_INFO", "PATH_TRANSLATED",
    "QUERY_STRING", "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_USER", "REQUEST_METHOD", "SCRIPT_NAME",
    "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
})


def is_cgi_variable(key: str) -> bool:
    return key in CGI_META_VARIABLES or key.startswith("HTTP_")


def is_cgi_style(key: str) -> bool:
    """Upper-case names without a dot (wsgiref.validate's line): CGI's, and others a server adds."""
    return "." not in key and key.upper() == key


@pytest.mark.requirement("WSGI-ENV-095")
def test_cgi_variables_are_native_strings(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ?q=1", [("X-Probe", "1")], method="POST", body=b"abc")
    wrong = {k: type_name(v) for k, v in environ.items() if is_cgi_variable(k) and type(v) is not str}
    others = {k: type_name(v) for k, v in environ.items()
              if is_cgi_style(k) and not is_cgi_variable(k) and type(v) is not str}
    if others:
        observe("not CGI-defined, and not a str: " + ", ".join(f"{k} is {t}" for k, t in others.items()))
    verify(not wrong, sent="POST /environ?q=1 with X-Probe: 1 and a body",
           expected="every CGI variable (RFC 3875's meta-variables and HTTP_*) of type str",
           got=", ".join(f"{k} is {t}" for k, t in wrong.items()))


@pytest.mark.requirement("WSGI-ENV-096")
def test_content_headers_are_not_http_variables(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("Content-Type", "text/plain")], method="POST", body=b"hello")
    """Only the HTTP_ copies are judged: what CONTENT_TYPE and CONTENT_LENGTH hold is WSGI-ENV-050's
    and WSGI-ENV-060's."""
    leaked = {k: environ[k] for k in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH") if k in environ}
    verify(not leaked, sent="POST /environ with Content-Type: text/plain and Content-Length: 5",
           expected="no HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH", got=f"{leaked}")


PEP_KEYS = {"wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.errors", "wsgi.multithread",
            "wsgi.multiprocess", "wsgi.run_once", "wsgi.file_wrapper"}


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
