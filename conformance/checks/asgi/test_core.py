"""The core spec's rules on every scope and event (asgi.rst, "Applications", "Events",
"Protocol Specifications", "Strings and Unicode"), read on an HTTP request and on the lifespan.

The probe's /scope answers with the scope and the events it received, typed; the lifespan scope
and events come from the recorder (see test_lifespan.py).
"""

from __future__ import annotations

from collections.abc import Iterator
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
