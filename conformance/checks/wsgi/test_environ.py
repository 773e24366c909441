"""PEP 3333, environ: the CGI variables, the HTTP_ variables and the wsgi.* keys.

Every check sends a request to the WSGI probe app's /environ scenario, which answers with the
environ it was called with (values of their exact types), and compares it with what the request
said.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive, type_name
from conformance.probing import fetch_environ
from conformance.verify import verify


def is_cgi_variable(key: str) -> bool:
    """CGI-style keys: upper-case names without a dot (wsgiref.validate draws the same line)."""
    return "." not in key and key.upper() == key


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


@pytest.mark.requirement("WSGI-ENV-031")
def test_path_info_is_percent_decoded(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, b"/environ/a%20b%41+c")
    verify(environ.get("PATH_INFO") == "/environ/a bA+c", sent="GET /environ/a%20b%41+c",
           expected="PATH_INFO '/environ/a bA+c' (escapes decoded, '+' kept)",
           got=f"PATH_INFO {environ.get('PATH_INFO')!r}")


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


@pytest.mark.requirement("WSGI-ENV-080")
@pytest.mark.parametrize("http_version", ["1.0", "1.1"])
def test_server_protocol_is_the_protocol_of_the_request(wsgi: RawClient, http_version: str) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", http_version=http_version)
    verify(environ.get("SERVER_PROTOCOL") == f"HTTP/{http_version}", sent=f"GET /environ HTTP/{http_version}",
           expected=f"SERVER_PROTOCOL 'HTTP/{http_version}'", got=f"SERVER_PROTOCOL {environ.get('SERVER_PROTOCOL')!r}")


@pytest.mark.requirement("WSGI-ENV-095")
def test_cgi_variables_are_native_strings(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ?q=1", [("X-Probe", "1")], method="POST", body=b"abc")
    wrong = {k: type_name(v) for k, v in environ.items() if is_cgi_variable(k) and type(v) is not str}
    verify(not wrong, sent="POST /environ?q=1 with X-Probe: 1 and a body",
           expected="every CGI variable (upper-case key without a dot) of type str",
           got=", ".join(f"{k} is {t}" for k, t in wrong.items()))


@pytest.mark.requirement("WSGI-ENV-096")
def test_content_headers_are_not_http_variables(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("Content-Type", "text/plain")], method="POST", body=b"hello")
    leaked = [k for k in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH") if k in environ]
    verify(not leaked and environ.get("CONTENT_TYPE") == "text/plain" and environ.get("CONTENT_LENGTH") == "5",
           sent="POST /environ with Content-Type: text/plain and Content-Length: 5",
           expected="CONTENT_TYPE 'text/plain', CONTENT_LENGTH '5', no HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH",
           got=f"CONTENT_TYPE {environ.get('CONTENT_TYPE')!r}, CONTENT_LENGTH {environ.get('CONTENT_LENGTH')!r}, "
               f"also present: {leaked or 'none'}")


@pytest.mark.requirement("WSGI-ENV-051")
def test_content_type_is_not_invented(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    verify(environ.get("CONTENT_TYPE", "") == "", sent="GET /environ (no Content-Type)",
           expected="CONTENT_TYPE absent or ''", got=f"CONTENT_TYPE {environ.get('CONTENT_TYPE')!r}")


@pytest.mark.requirement("WSGI-ENV-050")
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded; charset=UTF-8",
                                          'text/plain; charset="utf-8"; format=flowed'], ids=["charset", "quoted"])
def test_content_type_is_the_header_sent(wsgi: RawClient, content_type: str) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", [("Content-Type", content_type)], method="POST", body=b"a=1")
    verify(environ.get("CONTENT_TYPE") == content_type, sent=f"POST /environ with Content-Type: {content_type}",
           expected=f"CONTENT_TYPE {content_type!r}", got=f"CONTENT_TYPE {environ.get('CONTENT_TYPE', '<absent>')!r}")


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
def test_content_length_without_a_body_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    observe("a GET without a body: CONTENT_LENGTH "
            + (repr(environ["CONTENT_LENGTH"]) if "CONTENT_LENGTH" in environ else "absent"))


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


@pytest.mark.requirement("WSGI-ENV-093")
def test_variables_without_a_value_are_left_out(wsgi: RawClient) -> None:
    environ, _ = fetch_environ(wsgi, "/environ")
    present = {key: environ[key] for key in ("REMOTE_USER", "AUTH_TYPE") if key in environ}
    verify(not present, sent="GET /environ (no authentication)", expected="no REMOTE_USER or AUTH_TYPE",
           got=f"present: {present}")


