"""The lifespan state (lifespan.rst, "Lifespan State"): empty when lifespan.startup arrives; what the
app put there at startup in every HTTP and WebSocket scope, as a shallow copy (a request's own
changes do not leak, the objects in it are shared); left alone by the server until shutdown; in
every scope or in none; and whether a key added after startup.complete reaches later requests
(reported).

At startup the probe puts "probe.lifespan" and the list "probe.bucket" in the state, and
"probe.late" right after startup.complete; its /state answers with the request's state (and
changes it, with ?mutate=1). The lifespan scope comes from the recorder (see lifespan.py), the
WebSocket scope from the handshake the scope checks share (see ws_scope.py); the state at shutdown
is read on a dedicated instance, stopped (the slow_lifespan_server fixture of conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from conformance.checks.asgi.lifespan import lifespan_token, startup_records
from conformance.checks.asgi.ws import WsServer
from conformance.checks.asgi.ws_scope import SENT, scope_of
from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive
from conformance.probing import fetch_scope
from conformance.recorder import Recorder, RecordTimeout
from conformance.servers import ServerSpec
from conformance.verify import verify


def lifespan_state(recorder: Recorder, server: ServerProcess, spec: ServerSpec) -> dict:
    scope = revive(startup_records(recorder, server)[0].data["scope"])
    if not isinstance(scope.get("state"), dict):
        pytest.skip("not applicable: the lifespan scope has no state (the server does not offer it)")
    return scope["state"]


def request_state(client: httpx.Client, mutate: bool = False) -> object:
    payload = client.get("/state", params={"mutate": "1"} if mutate else None).json()
    return revive(payload["state"])


@pytest.mark.requirement("ASGI-STATE-001")
def test_lifespan_state_starts_empty(asgi_server: ServerProcess, recorder: Recorder, server_spec: ServerSpec) -> None:
    state = lifespan_state(recorder, asgi_server, server_spec)
    verify(state == {}, sent="(server start)",
           expected="the lifespan scope's state is {} when lifespan.startup arrives", got=repr(state))


@pytest.mark.requirement("ASGI-STATE-002")
def test_request_scopes_carry_the_lifespan_state(asgi_server: ServerProcess, asgi_http: httpx.Client,
                                                 recorder: Recorder, server_spec: ServerSpec) -> None:
    lifespan_state(recorder, asgi_server, server_spec)
    state = request_state(asgi_http)
    verify(isinstance(state, dict) and state.get("probe.lifespan") == "set-at-startup",
           sent="GET /state, after the app put 'probe.lifespan': 'set-at-startup' in the lifespan state",
           expected="the request scope's state holds 'probe.lifespan': 'set-at-startup'", got=repr(state))


@pytest.mark.requirement("ASGI-STATE-003")
def test_the_scope_carries_a_copy_of_the_lifespan_state(ws: WsServer) -> None:
    scope = scope_of(ws)
    if "state" not in scope:
        pytest.skip("not applicable: the websocket scope has no state (the server does not offer lifespan state)")
    state = scope["state"]
    verify(isinstance(state, dict) and state.get("probe.lifespan") == "set-at-startup",
           sent=SENT + " (at startup the app put 'probe.lifespan': 'set-at-startup' in the lifespan state)",
           expected="the websocket scope's state holds 'probe.lifespan': 'set-at-startup'", got=repr(state))


def needs_request_state(client: httpx.Client) -> None:
    """What a request does to its state means something only where requests carry the state."""
    state = request_state(client)
    if not (isinstance(state, dict) and "probe.lifespan" in state):
        pytest.skip(f"not applicable: the request scope does not carry the lifespan state ({state!r}: "
                    "ASGI-STATE-002's failure)")


@pytest.mark.requirement("ASGI-STATE-004")
def test_a_requests_changes_to_its_state_do_not_leak(asgi_server: ServerProcess, asgi_http: httpx.Client,
                                                      recorder: Recorder, server_spec: ServerSpec) -> None:
    lifespan_state(recorder, asgi_server, server_spec)
    needs_request_state(asgi_http)
    request_state(asgi_http, mutate=True)
    state = request_state(asgi_http)
    ok = isinstance(state, dict) and state.get("probe.lifespan") == "set-at-startup" and "probe.added" not in state
    verify(ok, sent="GET /state?mutate=1 (the request changes 'probe.lifespan' and adds 'probe.added' in its "
                    "state), then GET /state",
           expected="the second request sees 'probe.lifespan': 'set-at-startup' and no 'probe.added'", got=repr(state))


@pytest.mark.requirement("ASGI-STATE-005")
def test_objects_in_the_state_are_shared_not_copied(asgi_server: ServerProcess, asgi_http: httpx.Client,
                                                    recorder: Recorder, server_spec: ServerSpec) -> None:
    lifespan_state(recorder, asgi_server, server_spec)
    needs_request_state(asgi_http)
    request_state(asgi_http, mutate=True)
    state = request_state(asgi_http)
    bucket = state.get("probe.bucket") if isinstance(state, dict) else None
    verify(isinstance(bucket, list) and "appended-by-a-request" in bucket,
           sent="GET /state?mutate=1 (the request appends to the list 'probe.bucket' in its state), then GET /state",
           expected="the second request's 'probe.bucket' holds the item: the same list object (a shallow copy)",
           got=repr(bucket))


@pytest.mark.requirement("ASGI-STATE-006")
def test_the_server_leaves_the_lifespan_state_alone(slow_lifespan_server: ServerProcess, recorder: Recorder) -> None:
    """At startup the probe puts "probe.lifespan" and the list "probe.bucket" in the state."""
    slow_lifespan_server.stop()
    token = lifespan_token(slow_lifespan_server)
    startup = revive(recorder.wait_for(token, "lifespan.startup", timeout=2.0)[0].data["scope"])
    if not isinstance(startup.get("state"), dict):
        pytest.skip("not applicable: the lifespan scope has no state (the server does not offer it)")
    try:
        shutdown = revive(recorder.wait_for(token, "lifespan.shutdown", timeout=2.0)[0].data["scope"])
    except RecordTimeout:
        pytest.skip("not applicable here: no lifespan.shutdown arrived (see ASGI-LS-009)")
    state = shutdown.get("state")
    verify(isinstance(state, dict) and state.get("probe.lifespan") == "set-at-startup"
           and isinstance(state.get("probe.bucket"), list),
           sent="the stop signal, after the app put 'probe.lifespan' and 'probe.bucket' in the state at startup",
           expected="the lifespan scope's state at lifespan.shutdown still holds both keys",
           got=f"state at lifespan.shutdown: {state!r}")


@pytest.mark.requirement("ASGI-STATE-007")
def test_state_is_in_every_scope_or_in_none(ws: WsServer, asgi: RawClient, asgi_server: ServerProcess,
                                            recorder: Recorder) -> None:
    """The lifespan scope (at startup), an HTTP scope (GET /scope) and a websocket scope."""
    startup = next(r for r in startup_records(recorder, asgi_server) if "scope" in r.data)
    has = {"lifespan": "state" in revive(startup.data["scope"]), "http": "state" in fetch_scope(asgi)[0],
           "websocket": "state" in scope_of(ws)}
    verify(len(set(has.values())) == 1, sent="(server start), GET /scope, and " + SENT,
           expected="a state key in the lifespan, http and websocket scopes alike, or in none of them",
           got=", ".join(f"{kind} {'has' if present else 'lacks'} state" for kind, present in has.items()))


@pytest.mark.requirement("ASGI-STATE-008")
def test_whether_late_state_reaches_requests_is_reported(asgi_server: ServerProcess, asgi_http: httpx.Client,
                                                         recorder: Recorder, server_spec: ServerSpec,
                                                         observe: Callable[[str], None]) -> None:
    """Informational: the probe adds "probe.late" to the lifespan state right after startup.complete."""
    lifespan_state(recorder, asgi_server, server_spec)
    state = request_state(asgi_http)
    seen = isinstance(state, dict) and "probe.late" in state
    observe("a key added to the lifespan state after startup.complete is "
            + ("visible in later requests (copied per request)" if seen else "not visible in later requests"))
