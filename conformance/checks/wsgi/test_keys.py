"""PEP 3333, environ: the wsgi.* keys. All seven present; wsgi.version; wsgi.url_scheme on a plain
listener and over TLS; wsgi.input and wsgi.errors with their methods; wsgi.multithread,
wsgi.multiprocess and wsgi.run_once as the server really calls the app; wsgi.input_terminated.

Every check asks the WSGI probe app's /environ scenario; the TLS one asks the shared TLS instance
(conformance/checks/launching.py), reported not applicable where the adapter has no tls variant.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from conformance.clients.raw import RawClient
from conformance.probe_data import Opaque, revive, type_name
from conformance.probing import fetch_environ
from conformance.session import ConformanceRun
from conformance.verify import verify

WSGI_KEYS = ("wsgi.version", "wsgi.url_scheme", "wsgi.input", "wsgi.errors",
             "wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once")


@pytest.mark.requirement("WSGI-KEY-001")
@pytest.mark.parametrize("method", ["GET", "POST", "HEAD"])
def test_wsgi_variables_are_present(wsgi: RawClient, method: str) -> None:
    if method == "HEAD":  # a HEAD answer has no body to carry the environ: ask with GET, check HEAD works
        head = wsgi.request("HEAD", "/environ")
        verify(head.status == 200 and head.body == b"", sent="HEAD /environ",
               expected="status 200 and no body", got=f"status {head.status}, {len(head.body)} body bytes")
    environ, _ = fetch_environ(wsgi, "/environ", method="POST" if method == "POST" else "GET",
                               body=b"x" if method == "POST" else b"")
    missing = [key for key in WSGI_KEYS if key not in environ]
    verify(not missing, sent=f"{method} /environ", expected=f"all of {', '.join(WSGI_KEYS)}",
           got=f"missing: {', '.join(missing)}")


@pytest.mark.requirement("WSGI-KEY-002")
def test_wsgi_version_is_the_tuple_1_0(wsgi_http: httpx.Client) -> None:
    environ, _ = fetch_environ(wsgi_http, "/environ")
    version = environ.get("wsgi.version")
    verify(type(version) is tuple and version == (1, 0), sent="GET /environ",
           expected="wsgi.version == (1, 0), a tuple", got=f"{version!r} ({type_name(version)})")


@pytest.mark.requirement("WSGI-KEY-003")
def test_url_scheme_is_http_on_a_plain_listener(wsgi_http: httpx.Client) -> None:
    environ, _ = fetch_environ(wsgi_http, "/environ")
    scheme = environ.get("wsgi.url_scheme")
    verify(type(scheme) is str and scheme == "http", sent="GET /environ over plain HTTP",
           expected="wsgi.url_scheme 'http' (a str)", got=f"{scheme!r} ({type_name(scheme)})")


@pytest.mark.requirement("WSGI-KEY-003")
def test_url_scheme_is_https_over_tls(tls_environ: dict[str, Any]) -> None:
    scheme = tls_environ.get("wsgi.url_scheme")
    verify(scheme == "https", sent="GET /environ over TLS", expected="wsgi.url_scheme 'https'", got=repr(scheme))


def stream_attributes(environ: dict, key: str) -> set[str]:
    value = environ.get(key)
    return set(value.attrs) if isinstance(value, Opaque) else set()


@pytest.mark.requirement("WSGI-KEY-004")
def test_input_has_the_read_methods(wsgi_http: httpx.Client) -> None:
    environ, _ = fetch_environ(wsgi_http, "/environ")
    missing = {"read", "readline", "readlines"} - stream_attributes(environ, "wsgi.input")
    verify(not missing, sent="GET /environ", expected="wsgi.input with read, readline and readlines",
           got=f"missing: {sorted(missing)}")


@pytest.mark.requirement("WSGI-KEY-005")
def test_errors_has_the_write_methods(wsgi_http: httpx.Client) -> None:
    environ, _ = fetch_environ(wsgi_http, "/environ")
    missing = {"write", "writelines", "flush"} - stream_attributes(environ, "wsgi.errors")
    verify(not missing, sent="GET /environ", expected="wsgi.errors with write, writelines and flush",
           got=f"missing: {sorted(missing)}")


@pytest.fixture(scope="module")
def concurrent_calls(conformance_run: ConformanceRun) -> list[dict]:
    """6 requests at once, each held 0.25 s by the app: who served them, and when.
    Made once for the module's checks: a single-threaded server takes 1.5 s to answer them all."""
    server = conformance_run.server("wsgi")
    client = RawClient(server.host, server.port)
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: client.request("GET", "/environ?sleep=0.25"), range(6)))
    return [response.json() for response in responses]


def overlapping_in_one_process(calls: list[dict]) -> list[dict]:
    overlapping = []
    for call in calls:
        mine = call["call"]
        if any(other is not call and other["call"]["pid"] == mine["pid"]
               and other["call"]["started"] < mine["finished"] and mine["started"] < other["call"]["finished"]
               for other in calls):
            overlapping.append(call)
    return overlapping


@pytest.mark.requirement("WSGI-KEY-006")
def test_multithread_is_true_when_calls_overlap_in_one_process(concurrent_calls: list[dict],
                                                               observe: Callable[[str], None]) -> None:
    calls = concurrent_calls
    overlapping = overlapping_in_one_process(calls)
    flags = {repr(revive(call["environ"]["wsgi.multithread"])) for call in calls}
    if not overlapping:
        observe(f"no two calls overlapped in one process; wsgi.multithread = {', '.join(sorted(flags))}")
        pytest.skip("not applicable: the server never ran two calls at once in one process")
    false_while_overlapping = [c for c in overlapping if not revive(c["environ"]["wsgi.multithread"])]
    verify(not false_while_overlapping, sent="6 requests at once, each held 0.25 s by the app",
           expected="wsgi.multithread true in calls that overlapped another call of the same process",
           got=f"{len(false_while_overlapping)} overlapping call(s) said wsgi.multithread = False")


@pytest.mark.requirement("WSGI-KEY-007")
def test_multiprocess_is_true_when_several_processes_serve(concurrent_calls: list[dict]) -> None:
    calls = concurrent_calls
    pids = {call["call"]["pid"] for call in calls}
    if len(pids) < 2:
        pytest.skip("not applicable: one process served every call")
    false_flags = [c["call"]["pid"] for c in calls if not revive(c["environ"]["wsgi.multiprocess"])]
    verify(not false_flags, sent="6 requests at once, each held 0.25 s by the app",
           expected=f"wsgi.multiprocess true, since processes {sorted(pids)} served them",
           got=f"wsgi.multiprocess false in calls served by {sorted(set(false_flags))}")


@pytest.mark.requirement("WSGI-KEY-008")
def test_run_once_is_false_when_the_process_serves_again(wsgi: RawClient) -> None:
    """Two requests; when one process serves both, it did not expect to run the app only once."""
    first, response = fetch_environ(wsgi, "/environ")
    second, second_response = fetch_environ(wsgi, "/environ")
    pids = {response.header("X-Probe-Pid"), second_response.header("X-Probe-Pid")}
    if len(pids) != 1:
        pytest.skip("not applicable: the two requests were served by different processes")
    verify(not second.get("wsgi.run_once"), sent="GET /environ twice, served by one process",
           expected="wsgi.run_once false on the second request", got=repr(second.get("wsgi.run_once")))


@pytest.mark.requirement("WSGI-KEY-010")
def test_input_terminated_is_reported(wsgi: RawClient, observe: Callable[[str], None]) -> None:
    environ, _ = fetch_environ(wsgi, "/environ", method="POST", body=b"hello")
    observe("wsgi.input_terminated " + (f"= {environ['wsgi.input_terminated']!r}" if "wsgi.input_terminated" in environ
                                        else "absent") + " (a request with Content-Length)")
