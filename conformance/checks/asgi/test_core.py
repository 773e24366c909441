"""The core spec's rules on every scope and event (asgi.rst, "Applications", "Events",
"Protocol Specifications", "Strings and Unicode"), read on an HTTP request and on the lifespan;
and legacy (ASGI 2) apps ("Legacy Applications"), on a dedicated instance.

The probe's /scope answers with the scope and the events it received, typed; the lifespan scope
and events come from the recorder (see test_lifespan.py).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance.clients.raw import RawClient
from conformance.launcher import ServerProcess
from conformance.probe_data import revive, type_name
from conformance.probing import fetch_scope
from conformance.recorder import Recorder, RecordTimeout
from conformance.verify import verify


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


@pytest.mark.requirement("ASGI-GEN-008")
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


# --- legacy (ASGI 2) apps: a dedicated instance serving the probe in that form ------------------

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
            scope, _, _ = fetch_scope(RawClient(server.host, server.port), headers=[("X-Probe-Token", token)])
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
