"""ASGI lifespan (lifespan.rst): startup and shutdown, and that the server waits for `complete`.

The probe app reports every lifespan event to the recorder under "lifespan:<instance>", and any
request it serves before it has sent lifespan.startup.complete. Stopping a server is part of
what is checked, so the shutdown checks use a dedicated instance, never the shared one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.recorder import Record, Recorder, RecordTimeout
from conformance.servers import ServerSpec
from conformance.verify import verify

LIFESPAN_DELAY = 0.4  # seconds the probe takes before each `complete`


def lifespan_token(server: ServerProcess) -> str:
    return f"lifespan:{server.instance_id}"


def startup_records(recorder: Recorder, server: ServerProcess, spec: ServerSpec) -> list[Record]:
    """The lifespan records of an instance, once it has started; skip if it sends no lifespan."""
    try:
        recorder.wait_for(lifespan_token(server), "lifespan.startup", timeout=2.0)
    except RecordTimeout:
        if "lifespan" in spec.capabilities:
            raise
        pytest.skip(f"not applicable: {spec.name} sends no lifespan scope")
    return recorder.records(lifespan_token(server))


@pytest.mark.requirement("ASGI-LS-001")
def test_lifespan_scope_has_type_and_asgi_version(asgi_server: ServerProcess, recorder: Recorder,
                                                   server_spec: ServerSpec) -> None:
    scope = revive(startup_records(recorder, asgi_server, server_spec)[0].data["scope"])
    asgi_info = scope.get("asgi")
    ok = scope.get("type") == "lifespan" and type(asgi_info) is dict and type(asgi_info.get("version")) is str
    verify(ok, sent="(server start)", expected="lifespan scope with type 'lifespan' and asgi['version'] a str",
           got=f"type {scope.get('type')!r}, asgi {asgi_info!r}")


@pytest.mark.requirement("ASGI-LS-005")
def test_first_lifespan_event_is_startup(asgi_server: ServerProcess, recorder: Recorder,
                                         server_spec: ServerSpec) -> None:
    events = [r.event for r in startup_records(recorder, asgi_server, server_spec)]
    verify(events[0] == "lifespan.startup", sent="(server start)",
           expected="the first lifespan event is lifespan.startup", got=f"events in order: {events}")


@pytest.fixture(scope="module")
def slow_lifespan_server(dedicated_server: Callable, recorder: Recorder, server_spec: ServerSpec):
    """A dedicated instance whose app takes LIFESPAN_DELAY seconds before each `complete`.

    Shared by this module's checks: the startup check reads its records, the shutdown checks stop
    it (stopping twice is harmless) and read theirs."""
    with dedicated_server("asgi", {"CONFORMANCE_LIFESPAN_DELAY": str(LIFESPAN_DELAY)}) as server:
        startup_records(recorder, server, server_spec)
        yield server


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
