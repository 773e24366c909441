"""The core spec's rules, whatever the protocol (asgi.rst): every scope and event ("Applications",
"Events", "Protocol Specifications", "Strings and Unicode"), read on an HTTP request and on the
lifespan; scope["asgi"] and scope["extensions"] ("Extensions"); what runs the app, and what
receive() and send() do once the client has gone ("Overview", "Applications"); send() given an
invalid event, an app that raises, and an error send() raised, re-raised by the app ("Error
Handling"); and legacy (ASGI 2) apps ("Legacy Applications"). Legacy apps, and the
lifespan.shutdown event (which needs a server stopped), each get a dedicated instance.

The probe's /scope answers with the scope and the events it received, typed; the lifespan scope
and events come from the recorder (see test_lifespan.py); /runtime says what runs the app;
/wait-disconnect and /flood report what receive() and send() do once the client has gone (see
disconnects.py); /bad-send what send() did with an invalid event, /raise misbehaves on purpose
(see responses.py), and /reraise-after-disconnect re-raises what send() raised once the client
had gone.
"""

from __future__ import annotations

import math
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from conformance.checks.asgi.disconnects import APP_WAITS, hang_up, request_line
from conformance.checks.asgi.gating import at_least, extensions_of, http_spec_version
from conformance.checks.asgi.lifespan import needs_lifespan
from conformance.checks.asgi.responses import ENDED_WAIT, WAIT, ended_by_the_server, verify_raised
from conformance.checks.wire import parse, read_until_closed
from conformance.clients.raw import RawClient, build_request
from conformance.launcher import ServerProcess
from conformance.probe_data import revive, type_name
from conformance.probing import fetch_scope
from conformance.recorder import TOKEN_HEADER, Recorder, RecordTimeout
from conformance.session import ConformanceRun
from conformance.verify import shown, verify

INT64 = range(-2**63, 2**63)


def lifespan_seen(recorder: Recorder, server: ServerProcess) -> tuple[Any, list[Any]]:
    """The lifespan scope and the events the shared instance's app received (None, [] if none)."""
    token = f"lifespan:{server.instance_id}"
    try:
        recorder.wait_for(token, "lifespan.startup", timeout=0.3)
    except RecordTimeout:
        return None, []
    received = [r for r in recorder.records(token) if "message" in r.data]
    return revive(received[0].data["scope"]), [revive(r.data["message"]) for r in received]


def http_seen(asgi: RawClient) -> tuple[Any, list[Any]]:
    scope, events, _ = fetch_scope(asgi, method="POST", body=b"a body")
    return scope, events


def keys(value: Any, where: str = "scope") -> Iterator[tuple[str, Any]]:
    """Every dict key at any depth, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield where, key
            yield from keys(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from keys(item, f"{where}[{index}]")


@pytest.mark.requirement("ASGI-GEN-003")
def test_the_scope_is_a_dict(asgi: RawClient, asgi_server: ServerProcess, recorder: Recorder) -> None:
    scopes = {"http": http_seen(asgi)[0], "lifespan": lifespan_seen(recorder, asgi_server)[0]}
    wrong = {kind: type_name(scope) for kind, scope in scopes.items() if scope is not None and type(scope) is not dict}
    verify(not wrong, sent="POST /scope, and the server start (lifespan)", expected="each scope a dict",
           got=f"scope types {wrong}")


@pytest.mark.requirement("ASGI-GEN-005", "ASGI-HTTP-SCOPE-002")
def test_scope_has_an_asgi_dict_with_a_version_string(asgi_http: httpx.Client) -> None:
    scope, _, _ = fetch_scope(asgi_http)
    asgi_info = scope.get("asgi")
    version = asgi_info.get("version") if type(asgi_info) is dict else None
    verify(type(version) is str, sent="GET /scope", expected="scope['asgi'] a dict with a str 'version'",
           got=f"scope['asgi'] = {asgi_info!r}")


@pytest.mark.requirement("ASGI-GEN-006")
def test_asgi_version_is_3_0_for_a_single_callable_app(asgi_http: httpx.Client) -> None:
    scope, _, _ = fetch_scope(asgi_http)
    version = (scope.get("asgi") or {}).get("version")
    verify(version == "3.0", sent="GET /scope (the probe is a single-callable app)",
           expected="asgi.version '3.0'", got=repr(version))


@pytest.mark.requirement("ASGI-GEN-008", "ASGI-GEN-002")
def test_every_event_is_a_dict_with_a_str_type(asgi: RawClient, asgi_server: ServerProcess,
                                               recorder: Recorder) -> None:
    events = http_seen(asgi)[1] + lifespan_seen(recorder, asgi_server)[1]
    wrong = [e for e in events if type(e) is not dict or type(e.get("type")) is not str]
    verify(not wrong, sent="POST /scope with a body, and the server start (lifespan)",
           expected="every received event a dict with a str 'type'", got=repr(wrong[:3]))


@pytest.mark.requirement("ASGI-GEN-009")
def test_event_types_are_namespaced_by_the_scope_type(asgi: RawClient, asgi_server: ServerProcess,
                                                      recorder: Recorder) -> None:
    seen = [("http", e) for e in http_seen(asgi)[1]]
    seen += [("lifespan", e) for e in lifespan_seen(recorder, asgi_server)[1]]
    wrong = [(kind, e.get("type")) for kind, e in seen
             if not (isinstance(e, dict) and str(e.get("type", "")).startswith(kind + "."))]
    verify(not wrong, sent="POST /scope with a body, and the server start (lifespan)",
           expected="http events typed 'http.*', lifespan events 'lifespan.*'", got=repr(wrong))


@pytest.mark.requirement("ASGI-GEN-012")
def test_every_key_is_a_str(asgi: RawClient, asgi_server: ServerProcess, recorder: Recorder) -> None:
    http_scope, http_events = http_seen(asgi)
    lifespan_scope, lifespan_events = lifespan_seen(recorder, asgi_server)
    found = [*keys(http_scope, "http scope"), *keys(http_events, "http events"),
             *keys(lifespan_scope, "lifespan scope"), *keys(lifespan_events, "lifespan events")]
    wrong = [(where, key) for where, key in found if type(key) is not str]
    verify(not wrong, sent="POST /scope with a body, and the server start (lifespan)",
           expected="every key of the scopes and events a str, at any depth", got=repr(wrong[:5]))


def event_values(value: Any, where: str) -> Iterator[tuple[str, Any]]:
    """Every value at any depth (containers and what they hold), with where it is."""
    yield where, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from event_values(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from event_values(item, f"{where}[{index}]")


def not_serializable(value: Any) -> str | None:
    """Why ``value`` is not one of the types events may hold (a tuple counts as a list), or None."""
    kind = type(value)
    if value is None or kind in (bytes, str, bool, list, tuple, dict):
        return None
    if kind is int:
        return None if value in INT64 else f"int {value} outside the signed 64-bit range"
    if kind is float:
        return None if math.isfinite(value) else f"float {value!r}"
    return f"a {type_name(value)}"


def received_events(asgi: RawClient, server: ServerProcess, recorder: Recorder) -> list[tuple[str, Any]]:
    """The events of a POST /scope with a body, and the lifespan events so far, with where each is."""
    return ([(f"http event {i}", e) for i, e in enumerate(http_seen(asgi)[1])]
            + [(f"lifespan event {i}", e) for i, e in enumerate(lifespan_seen(recorder, server)[1])])


@pytest.mark.requirement("ASGI-GEN-010")
def test_events_hold_only_the_serializable_types(asgi: RawClient, asgi_server: ServerProcess,
                                                 recorder: Recorder) -> None:
    values = [item for where, event in received_events(asgi, asgi_server, recorder)
              for item in event_values(event, where)]
    wrong = [(where, why) for where, value in values if (why := not_serializable(value))]
    verify(not wrong, sent="POST /scope with a body, and the server start (lifespan)",
           expected="every value in every received event, at any depth, a byte string, str, int (signed 64-bit), "
                    "finite float, list, dict, bool or None",
           got=repr(wrong[:5]))


@pytest.mark.requirement("ASGI-GEN-027")
def test_events_hold_lists_not_tuples(asgi: RawClient, asgi_server: ServerProcess, recorder: Recorder) -> None:
    values = [item for where, event in received_events(asgi, asgi_server, recorder)
              for item in event_values(event, where)]
    tuples = [where for where, value in values if type(value) is tuple]
    verify(not tuples, sent="POST /scope with a body, and the server start (lifespan)",
           expected="no tuple anywhere in the received events (lists instead)", got=f"tuples at {tuples[:5]}")


# --- the lifespan's shutdown: a dedicated instance, stopped as its users stop it ------------------

SHUTDOWN_EVENT_WAIT = 2.0  # seconds for lifespan.shutdown to reach the recorder once the server is stopped


@pytest.fixture(scope="module")
def lifespan_to_shutdown(dedicated_server: Callable, recorder: Recorder) -> list[tuple[str, Any]]:
    """Every lifespan event the app of a dedicated instance received from its start to its stop
    signal (the shared instance is never stopped), with where each is."""
    with dedicated_server("asgi") as server:
        needs_lifespan(recorder, server)
        server.stop()
        try:
            recorder.wait_for(f"lifespan:{server.instance_id}", "lifespan.shutdown", timeout=SHUTDOWN_EVENT_WAIT)
        except RecordTimeout:
            pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
        events = lifespan_seen(recorder, server)[1]
    return [(f"lifespan event {i} ({e.get('type') if isinstance(e, dict) else type_name(e)})", e)
            for i, e in enumerate(events)]


@pytest.mark.requirement("ASGI-GEN-010")
def test_shutdown_events_hold_only_the_serializable_types(lifespan_to_shutdown: list[tuple[str, Any]]) -> None:
    values = [item for where, event in lifespan_to_shutdown for item in event_values(event, where)]
    wrong = [(where, why) for where, value in values if (why := not_serializable(value))]
    verify(not wrong, sent="(server start, then its stop signal) on a dedicated instance",
           expected="every value in every lifespan event, lifespan.shutdown included, at any depth, a byte string, "
                    "str, int (signed 64-bit), finite float, list, dict, bool or None",
           got=repr(wrong[:5]))


@pytest.mark.requirement("ASGI-GEN-027")
def test_shutdown_events_hold_lists_not_tuples(lifespan_to_shutdown: list[tuple[str, Any]]) -> None:
    values = [item for where, event in lifespan_to_shutdown for item in event_values(event, where)]
    tuples = [where for where, value in values if type(value) is tuple]
    verify(not tuples, sent="(server start, then its stop signal) on a dedicated instance",
           expected="no tuple anywhere in the lifespan events, lifespan.shutdown included (lists instead)",
           got=f"tuples at {tuples[:5]}")


@pytest.mark.requirement("ASGI-GEN-024")
def test_extensions_are_a_dict_of_dicts(asgi: RawClient, observe: Callable[[str], None]) -> None:
    extensions = extensions_of(asgi)
    if extensions is None:
        observe("no extensions key (or None) in the HTTP scope")
        return
    observe(f"HTTP/1.1 scope extensions: {sorted(map(str, extensions)) if isinstance(extensions, dict) else '?'}")
    ok = isinstance(extensions, dict) and all(type(k) is str and type(v) is dict for k, v in extensions.items())
    verify(ok, sent="GET /scope", expected="scope['extensions'] a dict: extension name (str) -> dict",
           got=repr(extensions))


@pytest.mark.requirement("ASGI-GEN-025")
def test_the_app_runs_in_a_running_asyncio_loop(asgi: RawClient, asgi_server: ServerProcess, recorder: Recorder,
                                                observe: Callable[[str], None]) -> None:
    """Informational on the thread: the spec's "(on the main thread; ...)" is read as a note."""
    http = asgi.request("GET", "/runtime").json()
    seen = {"http": http}
    token = f"lifespan:{asgi_server.instance_id}"
    if lifespan_seen(recorder, asgi_server)[0] is not None:
        seen["lifespan"] = next(r.data["runtime"] for r in recorder.records(token) if "runtime" in r.data)
    observe("; ".join(f"{kind}: {'the main thread' if info['main_thread'] else 'not the main thread'} "
                      f"({info['thread']})" for kind, info in seen.items()))
    verify(all(info["asyncio"] for info in seen.values()),
           sent="GET /runtime (asyncio.get_running_loop() in the app), and the server start (lifespan)",
           expected="a running asyncio event loop in each", got="; ".join(
               f"{kind}: {info['loop'] if info['asyncio'] else 'no running asyncio loop'}"
               + (" (a trio run)" if info["trio"] else "") for kind, info in seen.items()))


# --- receive() and send() once the client has gone (the exchanges of disconnects.py) --------------

IDLE = 0.5  # seconds the client stays idle before it hangs up, in the check of ASGI-GEN-014


@pytest.mark.requirement("ASGI-GEN-014")
def test_receive_waits_until_the_client_leaves(asgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    with asgi.connect() as sock:
        sock.sendall(request_line("/wait-disconnect", token))
        recorder.wait_for(token, "waiting", timeout=APP_WAITS)
        time.sleep(IDLE)
    got = recorder.wait_for(token, "wait-disconnect.receive", timeout=APP_WAITS + 1)[0].data
    verify(got["got"] == "http.disconnect" and got["after"] >= IDLE - 0.1,
           sent=f"GET /wait-disconnect; once the app waits in receive() (after the whole request), the client "
                f"stays idle {IDLE:g} s, then closes the connection",
           expected=f"receive() returns nothing until the client leaves (at least {IDLE - 0.1:g} s), then "
                    "http.disconnect",
           got=f"receive() gave {got['got']} after {got['after']:.2f} s")


@pytest.mark.requirement("ASGI-GEN-013")
def test_a_send_waiting_on_a_client_that_left_returns(asgi: RawClient, recorder: Recorder,
                                                      observe: Callable[[str], None]) -> None:
    token = recorder.new_token()
    with asgi.connect() as sock:
        sock.sendall(request_line("/flood?mib=64", token))
        progress = 0
        while not recorder.records(token) or recorder.records(token)[-1].event != "flood.done":
            try:  # the client reads nothing; it waits until the app stops getting anywhere
                progress = len(recorder.wait_for(token, "flood.progress", timeout=0.3, count=progress + 1))
            except RecordTimeout:
                break
    try:
        done = recorder.wait_for(token, "flood.done", timeout=5.0)[0].data
    except RecordTimeout:
        done = None
    observe(f"send() stalled after {progress} MiB with the client not reading" if done is None or progress < 64
            else "the server took all 64 MiB without making send() wait")
    verify(done is not None,
           sent="GET /flood?mib=64 (64 KiB parts as fast as send() returns); the client reads nothing and, once "
                "the app's progress stalls, closes the connection",
           expected="the app's pending send() returns or raises, and the app finishes (within 5 s)",
           got=f"the app was still in send() 5 s after the close, having sent {progress} MiB")


@pytest.mark.requirement("ASGI-GEN-022")
def test_send_after_the_client_left_is_a_no_op_before_2_4(asgi: RawClient, recorder: Recorder,
                                                         asgi_server: ServerProcess) -> None:
    version = http_spec_version(asgi)
    if at_least(version, "2.4"):
        pytest.skip(f"not applicable: the server advertises HTTP spec_version {version}, which specifies an error")
    sent = hang_up(asgi, recorder, asgi_server)["send"].data
    verify(sent.get("raised") is None,
           sent="GET /wait-disconnect; the client hangs up; the app, after http.disconnect, sends a response",
           expected=f"send() returns without raising (spec_version {version} < 2.4: no error condition specified)",
           got=f"send() raised {sent.get('raised')}")


@pytest.mark.requirement("ASGI-GEN-026")
def test_the_app_may_clean_up_after_disconnect(asgi: RawClient, recorder: Recorder,
                                               asgi_server: ServerProcess) -> None:
    """The probe reports a send it makes more than 1 s after it received http.disconnect."""
    try:
        sent = hang_up(asgi, recorder, asgi_server)["send"]
    except RecordTimeout as error:
        sent, missing = None, str(error)
    verify(sent is not None,
           sent="GET /wait-disconnect; the client hangs up; the app waits 1 s more in receive(), then sends",
           expected="the app runs on after http.disconnect and reports its send",
           got="" if sent is not None else f"the app stopped before it could report: {missing}")


# --- invalid events, and an app that fails (asgi.rst, "Error Handling") ---------------------------


@pytest.mark.requirement("ASGI-GEN-017")
def test_send_raises_for_an_unknown_event_type(asgi: RawClient, recorder: Recorder) -> None:
    verify_raised(asgi, recorder, "unknown-type", "{'type': 'http.response.bogus'}")


@pytest.mark.requirement("ASGI-GEN-018")
def test_send_raises_for_a_start_without_status(asgi: RawClient, recorder: Recorder) -> None:
    verify_raised(asgi, recorder, "missing-status", "http.response.start without status")


@pytest.mark.requirement("ASGI-GEN-019")
@pytest.mark.parametrize(("kind", "what"), [("str-headers", "http.response.start with str header names and values"),
                                            ("str-body", "http.response.body with a str body")],
                         ids=["str-headers", "str-body"])
def test_send_raises_for_values_of_the_wrong_type(asgi: RawClient, recorder: Recorder, kind: str, what: str) -> None:
    verify_raised(asgi, recorder, kind, what)


@pytest.mark.requirement("ASGI-GEN-020")
def test_extra_keys_in_events_are_accepted(asgi: RawClient, recorder: Recorder) -> None:
    token = recorder.new_token()
    response = asgi.request("GET", "/bad-send?kind=extra-key", [(TOKEN_HEADER, token)])
    outcome = recorder.wait_for(token, "bad-send", timeout=WAIT)[0].data
    verify(outcome["raised"] is None and response.body == b"extra keys",
           sent="GET /bad-send?kind=extra-key: a start and a body event, each with an extra key 'x-probe-extra'",
           expected="send() does not raise, and the response b'extra keys' goes out",
           got=f"send() raised {outcome['raised']}; body {response.body!r}")


@pytest.mark.requirement("ASGI-GEN-021")
def test_an_exception_before_the_response_ends_the_request(asgi: RawClient, observe: Callable[[str], None]) -> None:
    """Informational on what is sent: an error response or a closed connection are both allowed."""
    answer = ended_by_the_server(asgi, "/raise?when=before")
    observe(f"app raised before http.response.start: {answer}")
    verify(answer != "hang", sent="GET /raise?when=before (the app raises before http.response.start)",
           expected="an error response, or the connection closed", got=f"neither within {ENDED_WAIT:g} s")


@pytest.mark.requirement("ASGI-GEN-021")
@pytest.mark.parametrize("framing", ["chunked", "content-length"])
def test_an_exception_after_the_response_started_leaves_it_visibly_incomplete(
        asgi: RawClient, framing: str, asgi_server: ServerProcess, conformance_run: ConformanceRun) -> None:
    """The app sends the start and b'partial' (more_body true), then raises.

    A server that leaves such a request hanging may be broken beyond it (daphne's clean-up loop
    dies there), so it is replaced before the next check."""
    target = "/raise?when=after" + ("&length=100" if framing == "content-length" else "")
    with asgi.connect() as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" % target.encode())
        data, closed = read_until_closed(sock, ENDED_WAIT)
    status, body, complete = parse(data)
    if not closed:
        conformance_run.discard(asgi_server)
    verify(closed and not complete,
           sent=f"GET {target} (start{', content-length 100' if framing == 'content-length' else ''}, "
                "b'partial' with more_body, then the app raises)",
           expected="the connection closed before the response is complete (no final chunk; fewer bytes than "
                    "Content-Length)",
           got=("the connection was closed" if closed else f"the connection still open after {ENDED_WAIT:g} s")
               + f"; the response {'looks complete' if complete else 'is incomplete'}: {shown(data, 200)}")


REDELIVERY_WAIT = 0.3  # seconds the server gets to log what the app raised


@pytest.mark.requirement("ASGI-GEN-023", "ASGI-HTTP-DISC-009")
def test_an_error_from_send_re_raised_by_the_app_is_caught_quietly(asgi: RawClient, asgi_server: ServerProcess,
                                                                   recorder: Recorder) -> None:
    """Not applicable where send() never raises once the client has gone (nothing to re-raise)."""
    token = recorder.new_token()
    logged_before = len(asgi_server.log_text())
    with asgi.connect() as sock:
        sock.sendall(build_request("GET", "/reraise-after-disconnect", [(TOKEN_HEADER, token)]))
        recorder.wait_for(token, "waiting", timeout=5.0)
    outcome = recorder.wait_for(token, "reraise.send", timeout=7.0)[0].data
    if outcome["raised"] is None:
        pytest.skip(f"not applicable: send() did not raise once the client had gone ({outcome['attempts']} body "
                    "events sent after it), so the app had no error of the server's to re-raise "
                    "(see ASGI-HTTP-DISC-008)")
    time.sleep(REDELIVERY_WAIT)
    try:
        status: int | str = asgi.request("GET", "/ready").status
    except (OSError, AssertionError) as error:
        status = f"no answer ({error})"
    log = asgi_server.log_text()[logged_before:]
    traced = "Traceback" in log and outcome["raised"] in log
    verify(status == 200 and not traced,
           sent="GET /reraise-after-disconnect; the client closes; the app's send() raises "
                f"{outcome['module']}.{outcome['raised']}, which the app re-raises; then GET /ready",
           expected="the server serves on, and logs no traceback for the error it raised itself",
           got=f"GET /ready: {status}; " + (f"the log shows a traceback: {log[-600:]!r}" if traced else
                                            "no traceback in the log"))


# --- legacy (ASGI 2) apps: a dedicated instance serving the probe in that form --------------------

LEGACY_WAIT = 10.0  # seconds a server gets to answer its first request


def first_status(server: ServerProcess, timeout: float = LEGACY_WAIT) -> int | str:
    """The status of the first answer to GET /ready, or 'exited' / 'no answer'."""
    assert server.process is not None
    client = RawClient(server.host, server.port, timeout=2.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            server.process.wait(timeout=0.02)
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        try:
            return client.request("GET", "/ready").status
        except (OSError, AssertionError):
            continue
    return "no answer"


@pytest.fixture(scope="module")
def legacy_app(dedicated_server: Callable, recorder: Recorder) -> dict:
    with dedicated_server("asgi", {"CONFORMANCE_ASGI_STYLE": "legacy"}, wait_ready=False) as server:
        status = first_status(server)
        outcome: dict = {"status": status}
        if status == 200:
            token = recorder.new_token()
            scope, _, _ = fetch_scope(RawClient(server.host, server.port), headers=[(TOKEN_HEADER, token)])
            outcome["version"] = (scope.get("asgi") or {}).get("version")
            outcome["calls"] = [r.event for r in recorder.records(token)]
        return outcome


@pytest.mark.requirement("ASGI-GEN-015")
def test_a_legacy_app_is_served(legacy_app: dict, observe: Callable[[str], None]) -> None:
    if legacy_app["status"] == 200:
        observe(f"legacy app served, with asgi.version {legacy_app['version']!r}")
    verify(legacy_app["status"] == 200,
           sent="GET /ready to an instance serving the probe as a legacy app (app(scope) -> awaitable(receive, send))",
           expected="200", got=f"{legacy_app['status']}")


@pytest.mark.requirement("ASGI-GEN-016")
def test_a_legacy_app_is_called_with_the_scope_then_awaited(legacy_app: dict) -> None:
    if legacy_app["status"] != 200:
        pytest.skip("not applicable: the server does not serve legacy apps (see ASGI-GEN-015)")
    verify(legacy_app["calls"] == ["legacy.init", "legacy.call"],
           sent="GET /scope to the legacy app",
           expected="one call with the scope, then one await of its result: ['legacy.init', 'legacy.call']",
           got=repr(legacy_app["calls"]))
