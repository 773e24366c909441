"""ASGI lifespan (lifespan.rst): startup and shutdown, and that the server waits for `complete`;
one lifespan per worker process, sharing the event loop of the requests; an app that fails
(startup.failed, shutdown.failed, an exception). The lifespan `state` is test_state.py's.

The probe app reports every lifespan event to the recorder under "lifespan:<instance>" (see
lifespan.py), and any request it serves before it has sent lifespan.startup.complete. Whether the
server runs the lifespan at all is ASGI-LS-017's check, found out by the server's own behaviour:
where it runs none, that one requirement fails and the others are not applicable because of it. Stopping a
server is part of what is checked, so the shutdown checks use a dedicated instance, never the
shared one (the slow_lifespan_server fixture of conftest.py); so do the app's failures, chosen by
the environment variable CONFORMANCE_LIFESPAN.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from conformance.checks.asgi.lifespan import (
    LIFESPAN_DELAY,
    lifespan_token,
    needs_lifespan_before_launch,
    runs_lifespan,
    startup_records,
)
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess, probe_ready
from conformance.probe_data import revive
from conformance.recorder import Recorder, RecordTimeout
from conformance.servers import ServerSpec
from conformance.session import ConformanceRun
from conformance.verify import verify

LIFESPAN_MODE = "CONFORMANCE_LIFESPAN"  # how the probe's lifespan behaves (see probe_apps/asgi_lifespan.py)
# The messages the probe sends with startup.failed and shutdown.failed (probe_apps/asgi_lifespan.py).
STARTUP_FAILED_MESSAGE = "probe-startup-failed: the probe app refused to start"
SHUTDOWN_FAILED_MESSAGE = "probe-shutdown-failed: the probe app could not clean up"
SHUTDOWN_WAIT = 5.0  # seconds a server gets to terminate after its stop signal
LIFESPAN_SPEC_VERSIONS = ("1.0", "2.0")  # lifespan.rst, "Version History"


@pytest.mark.requirement("ASGI-LS-017")
def test_the_server_runs_the_lifespan(asgi_server: ServerProcess, recorder: Recorder) -> None:
    """Starts the server and waits for the probe's report that it was called with a lifespan scope:
    a server calls the app with it before it serves requests, so the report is due by the time the
    server has answered its first request (2 s of grace)."""
    verify(runs_lifespan(recorder, asgi_server), sent="(server start, then its first requests)",
           expected="the app called with a lifespan scope in the process serving requests, before it serves them",
           got="no call with a lifespan scope, 2 s after the server first answered")


@pytest.mark.requirement("ASGI-LS-001")
def test_lifespan_scope_has_type_and_asgi_version(asgi_server: ServerProcess, recorder: Recorder,
                                                   server_spec: ServerSpec) -> None:
    scope = revive(startup_records(recorder, asgi_server)[0].data["scope"])
    asgi_info = scope.get("asgi")
    ok = scope.get("type") == "lifespan" and type(asgi_info) is dict and type(asgi_info.get("version")) is str
    verify(ok, sent="(server start)", expected="lifespan scope with type 'lifespan' and asgi['version'] a str",
           got=f"type {scope.get('type')!r}, asgi {asgi_info!r}")


@pytest.mark.requirement("ASGI-LS-005")
def test_first_lifespan_event_is_startup(asgi_server: ServerProcess, recorder: Recorder,
                                         server_spec: ServerSpec) -> None:
    events = [r.event for r in startup_records(recorder, asgi_server)]
    verify(events[0] == "lifespan.startup", sent="(server start)",
           expected="the first lifespan event is lifespan.startup", got=f"events in order: {events}")


@pytest.mark.requirement("ASGI-LS-006")
def test_no_request_is_served_before_startup_completes(slow_lifespan_server: ServerProcess,
                                                       recorder: Recorder) -> None:
    """The launcher polls GET /ready every 20 ms from the moment the process starts."""
    early = [r for r in recorder.records(lifespan_token(slow_lifespan_server))
             if r.event == "http.served-before-startup-complete"]
    verify(not early, sent=f"GET /ready every 20 ms while the app takes {LIFESPAN_DELAY} s to complete startup",
           expected="no request reaches the app before it sends lifespan.startup.complete",
           got=f"{len(early)} request(s) served before: {[r.data.get('path') for r in early][:5]}")


@pytest.mark.requirement("ASGI-LS-009")
def test_stopping_the_server_sends_shutdown(slow_lifespan_server: ServerProcess, recorder: Recorder) -> None:
    slow_lifespan_server.stop()
    try:
        recorder.wait_for(lifespan_token(slow_lifespan_server), "lifespan.shutdown", timeout=2.0)
        got = "lifespan.shutdown received"
    except RecordTimeout as error:
        got = str(error)
    events = [r.event for r in recorder.records(lifespan_token(slow_lifespan_server))]
    verify("lifespan.shutdown" in events, sent="the server's stop signal (as its users stop it)",
           expected="the app receives lifespan.shutdown", got=f"{got}; lifespan events: {events}")


@pytest.mark.requirement("ASGI-LS-010")
def test_the_server_waits_for_shutdown_complete(slow_lifespan_server: ServerProcess, recorder: Recorder) -> None:
    """The app reports just before it sends shutdown.complete, LIFESPAN_DELAY s after shutdown."""
    slow_lifespan_server.stop()
    token = lifespan_token(slow_lifespan_server)
    try:
        recorder.wait_for(token, "lifespan.shutdown", timeout=2.0)
    except RecordTimeout:
        pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
    try:
        recorder.wait_for(token, "lifespan.shutdown.complete", timeout=2.0)
        done = True
    except RecordTimeout:
        done = False
    verify(done, sent=f"the stop signal; the app takes {LIFESPAN_DELAY} s before lifespan.shutdown.complete",
           expected="the server keeps the app running until it sends lifespan.shutdown.complete",
           got="the process ended before the app could send lifespan.shutdown.complete")


@pytest.mark.requirement("ASGI-LS-002")
def test_lifespan_spec_version_is_a_lifespan_spec_version(asgi_server: ServerProcess, recorder: Recorder) -> None:
    """Reads asgi.spec_version of the lifespan scope: absent (apps assume "1.0"), "1.0" or "2.0"."""
    scope = revive(startup_records(recorder, asgi_server)[0].data["scope"])
    version = (scope.get("asgi") or {}).get("spec_version")
    verify(version is None or version in LIFESPAN_SPEC_VERSIONS, sent="(server start)",
           expected=f"asgi.spec_version absent or one of {', '.join(LIFESPAN_SPEC_VERSIONS)} (the lifespan spec's "
                    "versions)", got=f"asgi.spec_version = {version!r}")


# --- the app's own failures: each on a dedicated instance --------------------------------------

START_WAIT = 10.0  # seconds a server gets to exit after startup.failed (or to start serving)


def watch_start(server: ServerProcess, timeout: float = START_WAIT) -> str:
    """Whether a launched server started serving ('served'), exited ('exited') or neither."""
    assert server.process is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            server.process.wait(timeout=0.02)
            return "exited"
        except subprocess.TimeoutExpired:
            pass
        if probe_ready(server.host, server.port, timeout=0.5):
            return "served"
    return "neither"


def lifespan_events(recorder: Recorder, server: ServerProcess) -> list[str]:
    return [r.event for r in recorder.records(lifespan_token(server)) if r.event.startswith("lifespan.")]


@pytest.fixture(scope="module")
def failed_startup(dedicated_server: Callable, recorder: Recorder, conformance_run: ConformanceRun) -> dict:
    """A dedicated instance whose app answers lifespan.startup with lifespan.startup.failed."""
    needs_lifespan_before_launch(recorder, conformance_run)
    with dedicated_server("asgi", {LIFESPAN_MODE: "startup-failed"}, wait_ready=False) as server:
        started = time.monotonic()
        outcome = watch_start(server)
        took = time.monotonic() - started
        server.stop()
        events = lifespan_events(recorder, server)
        return {"outcome": outcome, "took": took, "events": events, "log": server.log_text(),
                "code": server.process.returncode if server.process else None}


def needs_lifespan(events: list[str], spec: ServerSpec) -> None:
    if "lifespan.startup" not in events:
        pytest.skip(f"not applicable: {spec.name} sent no lifespan.startup to this instance (its failure is "
                    "ASGI-LS-017's)")


@pytest.mark.requirement("ASGI-LS-006")
def test_a_server_whose_startup_failed_serves_nothing(failed_startup: dict, server_spec: ServerSpec) -> None:
    needs_lifespan(failed_startup["events"], server_spec)
    verify(failed_startup["outcome"] != "served",
           sent="GET /ready every 20 ms, to an instance whose app answers lifespan.startup with startup.failed",
           expected="no request is served: startup never completed",
           got="GET /ready was answered 200")


@pytest.mark.requirement("ASGI-LS-007")
def test_a_failed_startup_stops_the_server_with_the_apps_message(failed_startup: dict,
                                                                server_spec: ServerSpec) -> None:
    needs_lifespan(failed_startup["events"], server_spec)
    exited = failed_startup["outcome"] == "exited"
    logged = STARTUP_FAILED_MESSAGE in failed_startup["log"]
    verify(exited and logged,
           sent=f"lifespan.startup.failed with message {STARTUP_FAILED_MESSAGE!r}",
           expected=f"the server prints the message and exits (within {START_WAIT:g} s)",
           got=f"{'exited' if exited else 'still running'} after {failed_startup['took']:.2f} s "
               f"(exit code {failed_startup['code']}); message {'in' if logged else 'not in'} its output")


def terminates_on_its_stop_signal(server: ServerProcess, spec: ServerSpec) -> bool:
    """Send the server the signal its users stop it with; whether it ended within SHUTDOWN_WAIT.
    Whatever is left is stopped afterwards."""
    assert server.process is not None
    server.process.send_signal(spec.stop_signal)
    try:
        server.process.wait(timeout=SHUTDOWN_WAIT)
        return True
    except subprocess.TimeoutExpired:
        return False
    finally:
        server.stop()


def failed_shutdown(dedicated_server: Callable, recorder: Recorder, run: ConformanceRun, mode: str) -> tuple[bool, str]:
    """An instance whose app answers lifespan.shutdown as ``mode`` says, stopped by its stop signal:
    whether it terminated within SHUTDOWN_WAIT, and its output. Not applicable where no
    lifespan.shutdown arrived."""
    needs_lifespan_before_launch(recorder, run)
    spec = run.spec
    with dedicated_server("asgi", {LIFESPAN_MODE: mode}) as server:
        startup_records(recorder, server)
        terminated = terminates_on_its_stop_signal(server, spec)
        events, log = lifespan_events(recorder, server), server.log_text()
    if "lifespan.shutdown" not in events:
        pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
    return terminated, log


@pytest.mark.requirement("ASGI-LS-011")
def test_a_failed_shutdown_is_printed_and_the_server_terminates(dedicated_server: Callable, recorder: Recorder,
                                                                conformance_run: ConformanceRun) -> None:
    terminated, log = failed_shutdown(dedicated_server, recorder, conformance_run, "shutdown-failed")
    logged = SHUTDOWN_FAILED_MESSAGE in log
    verify(terminated and logged,
           sent=f"the stop signal; the app answers lifespan.shutdown with shutdown.failed, message "
                f"{SHUTDOWN_FAILED_MESSAGE!r}",
           expected=f"the server prints the message and terminates (within {SHUTDOWN_WAIT:g} s)",
           got=f"{'terminated' if terminated else 'still running'}; message {'in' if logged else 'not in'} "
               "its output")


def raising_lifespan(dedicated_server: Callable, recorder: Recorder, run: ConformanceRun, mode: str) -> dict:
    needs_lifespan_before_launch(recorder, run)
    with dedicated_server("asgi", {LIFESPAN_MODE: mode}, wait_ready=False) as server:
        outcome = watch_start(server)
        server.stop()
        return {"outcome": outcome, "records": [r.event for r in recorder.records(lifespan_token(server))],
                "log": server.log_text()}


def verify_served_without_lifespan(result: dict, sent: str) -> None:
    records = result["records"]
    if "lifespan.invoked" not in records:
        pytest.skip("not applicable: the server never called the app with a lifespan scope (its failure is "
                    "ASGI-LS-017's)")
    lifespan_after = [e for e in records[records.index("lifespan.invoked") + 1:]
                      if e == "lifespan.invoked" or e == "lifespan.shutdown"]
    verify(result["outcome"] == "served" and not lifespan_after, sent=sent,
           expected="the server goes on and serves requests, and sends no more lifespan events (not at stop either)",
           got=f"the server {'served requests' if result['outcome'] == 'served' else result['outcome']}; "
               f"lifespan after the exception: {lifespan_after or 'none'}"
               + ("" if result["outcome"] == "served" else "\n" + "\n".join(result["log"].splitlines()[-5:])))


@pytest.mark.requirement("ASGI-LS-013")
def test_an_app_raising_on_the_lifespan_scope_is_still_served(dedicated_server: Callable, recorder: Recorder,
                                                              conformance_run: ConformanceRun) -> None:
    result = raising_lifespan(dedicated_server, recorder, conformance_run, "raise")
    verify_served_without_lifespan(result, "(server start) the app raises as soon as it is called with the "
                                           "lifespan scope; then GET /ready; then the stop signal")


@pytest.mark.requirement("ASGI-LS-014")
def test_an_app_raising_on_lifespan_startup_is_still_served(dedicated_server: Callable, recorder: Recorder,
                                                            conformance_run: ConformanceRun) -> None:
    result = raising_lifespan(dedicated_server, recorder, conformance_run, "raise-after-startup")
    verify_served_without_lifespan(result, "(server start) the app receives lifespan.startup and raises; then "
                                           "GET /ready; then the stop signal")


@pytest.mark.requirement("ASGI-LS-004")
def test_lifespan_and_requests_share_an_event_loop(asgi_server: ServerProcess, asgi_http: httpx.Client,
                                                   recorder: Recorder, server_spec: ServerSpec) -> None:
    startup = startup_records(recorder, asgi_server)[0]
    lifespan_loop = startup.data.get("loop")
    request_loop = asgi_http.get("/loop").json()["loop"]
    verify(request_loop == lifespan_loop, sent="GET /loop (the probe reports its process id and event loop)",
           expected=f"the loop the lifespan ran in ({lifespan_loop})", got=f"process:loop {request_loop}")


WORKERS = 2  # worker processes of the multi-process instance
SPREAD_WAIT = 3.0  # seconds of new connections to reach every worker


@pytest.fixture(scope="module")
def multi_process_server(dedicated_server: Callable, recorder: Recorder, conformance_run: ConformanceRun,
                         server_spec: ServerSpec) -> Iterator[ServerProcess]:
    """A dedicated instance started by the adapter's workers variant, with WORKERS processes."""
    needs_lifespan_before_launch(recorder, conformance_run)
    if "workers" not in server_spec.variants:
        pytest.skip(f"not applicable: the adapter of {server_spec.name} has no 'workers' launch variant")
    with dedicated_server("asgi", variant="workers", values={"workers": str(WORKERS)}) as server:
        yield server


@pytest.mark.requirement("ASGI-LS-003")
def test_each_worker_process_runs_the_lifespan(multi_process_server: ServerProcess, recorder: Recorder,
                                               observe: Callable[[str], None]) -> None:
    """GET /loop on new connections until WORKERS processes have answered (or SPREAD_WAIT s)."""
    client = RawClient(multi_process_server.host, multi_process_server.port)
    served: dict[str, int] = {}
    deadline = time.monotonic() + SPREAD_WAIT
    while len(served) < WORKERS and time.monotonic() < deadline:
        pid = client.request("GET", "/loop").json()["loop"].split(":")[0]
        served[pid] = served.get(pid, 0) + 1
    started: dict[str, int] = {}
    for record in recorder.records(lifespan_token(multi_process_server)):
        if record.event == "lifespan.startup":
            started[str(record.pid)] = started.get(str(record.pid), 0) + 1
    observe(f"{len(served)} of {WORKERS} worker processes answered; lifespan.startup in {len(started)} process(es)")
    missing = sorted(pid for pid in served if pid not in started)
    verify(bool(served) and not missing,
           sent=f"an instance started with {WORKERS} worker processes; GET /loop on new connections until each "
                "process has answered",
           expected="lifespan.startup received in every process that served a request",
           got=f"requests served by processes {served}; lifespan.startup in processes {started}")


def received_lifespan_events(recorder: Recorder, server: ServerProcess) -> list[str]:
    """The events the app received in its lifespan calls (not the probe's own markers)."""
    return [r.event for r in recorder.records(lifespan_token(server)) if "message" in r.data]


@pytest.mark.requirement("ASGI-LS-015")
def test_the_lifespan_events_are_startup_then_shutdown(slow_lifespan_server: ServerProcess,
                                                        recorder: Recorder) -> None:
    slow_lifespan_server.stop()
    try:
        recorder.wait_for(lifespan_token(slow_lifespan_server), "lifespan.shutdown", timeout=2.0)
    except RecordTimeout:
        pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
    events = received_lifespan_events(recorder, slow_lifespan_server)
    verify(events == ["lifespan.startup", "lifespan.shutdown"], sent="(server start, then the stop signal)",
           expected="the app receives lifespan.startup, then lifespan.shutdown, and nothing else",
           got=f"events in order: {events}")


@pytest.mark.requirement("ASGI-LS-016")
def test_one_lifespan_call_lasts_from_startup_to_shutdown(slow_lifespan_server: ServerProcess,
                                                          recorder: Recorder) -> None:
    slow_lifespan_server.stop()
    token = lifespan_token(slow_lifespan_server)
    try:
        recorder.wait_for(token, "lifespan.shutdown", timeout=2.0)
    except RecordTimeout:
        pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
    calls = [r.event for r in recorder.records(token) if r.event == "lifespan.invoked"]
    verify(len(calls) == 1, sent="(server start, then the stop signal)",
           expected="one call of the app with the lifespan scope, which gets both startup and shutdown",
           got=f"{len(calls)} lifespan calls")


@pytest.mark.requirement("ASGI-LS-008")
def test_a_startup_failure_without_message_is_handled(dedicated_server: Callable, recorder: Recorder,
                                                      server_spec: ServerSpec, failed_startup: dict) -> None:
    with dedicated_server("asgi", {LIFESPAN_MODE: "startup-failed-bare"}, wait_ready=False) as server:
        outcome = watch_start(server)
        server.stop()
        events, log = lifespan_events(recorder, server), server.log_text()
    needs_lifespan(events, server_spec)
    verify(outcome == failed_startup["outcome"] and "KeyError" not in log,
           sent="lifespan.startup.failed without a message key",
           expected=f"what the server does with a message ({failed_startup['outcome']}), and no KeyError",
           got=f"{outcome}; KeyError {'in' if 'KeyError' in log else 'not in'} its output")


@pytest.mark.requirement("ASGI-LS-012")
def test_a_shutdown_failure_without_message_is_handled(dedicated_server: Callable, recorder: Recorder,
                                                       conformance_run: ConformanceRun) -> None:
    terminated, log = failed_shutdown(dedicated_server, recorder, conformance_run, "shutdown-failed-bare")
    verify(terminated and "KeyError" not in log,
           sent="the stop signal; the app answers lifespan.shutdown with shutdown.failed without a message key",
           expected=f"the server terminates (within {SHUTDOWN_WAIT:g} s), with no KeyError",
           got=f"{'terminated' if terminated else 'still running'}; KeyError "
               f"{'in' if 'KeyError' in log else 'not in'} its output")
