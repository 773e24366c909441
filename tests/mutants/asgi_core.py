"""Mutants of the core rules of ASGI: each breaks a requirement of
conformance/requirements/asgi_core.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (the scope and events as dicts of the serializable
types, the asgi and extensions dicts, receive() and send() waiting, send() after a disconnect and
for invalid events, what a server does when the app raises, legacy apps, what runs the app),
whatever protocol shows the fault. Does not belong here: a rule of one protocol's scope or events
(asgi_http_*.py, asgi_lifespan.py), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.configurations import HYPERCORN_TRIO
from tests.emulations import send_errors
from tests.mutants.asgi_middleware import (
    Message,
    Receive,
    Scope,
    Send,
    first_event_changed,
    http_mutant,
    no_answer_without_a_response,
    probe,
    receive_mutant,
    scope_mutant,
    sends,
    tracking,
    unchanged,
    with_extensions,
)
from tests.mutants.declare import breaks


class ScopeDict(dict):  # type: ignore[type-arg]
    """A dict subclass, as a server might hand the app."""


@breaks("ASGI-GEN-003")
async def scope_subclassed(scope: Scope, receive: Receive, send: Send) -> None:
    await probe(ScopeDict(scope) if scope["type"] == "http" else scope, receive, send)


asgi_dict_missing = breaks("ASGI-GEN-005")(scope_mutant(lambda scope: scope.pop("asgi")))
asgi_version_2 = breaks("ASGI-GEN-006")(scope_mutant(lambda scope: scope["asgi"].update(version="2.0")))


def _without_type(message: Message) -> Message:
    message.pop("type", None)
    return message


event_without_type = breaks("ASGI-GEN-008")(receive_mutant(first_event_changed(_without_type)))
event_type_not_namespaced = breaks("ASGI-GEN-009")(receive_mutant(
    first_event_changed(lambda m: {**m, "type": m["type"].replace("http.", "", 1)})))
bytes_key_in_scope = breaks("ASGI-GEN-012")(scope_mutant(lambda scope: scope.update({b"x-server-extra": 1})))
extension_not_a_dict = breaks("ASGI-GEN-024")(scope_mutant(with_extensions(**{"x.probe": True})))

# --- event value types, in request events and in lifespan.shutdown ------------------------------


def _each_event_of(kind: str, change: Callable[[Message], Message]) -> Callable[[Scope, Receive], Receive]:
    def wrap(scope: Scope, receive: Receive) -> Receive:
        async def changed() -> Message:
            message = await receive()
            return change(message) if message["type"] == kind else message

        return changed

    return wrap


events_carry_a_bytearray = breaks("ASGI-GEN-010", only=("test_events_hold_only_the_serializable_types",))(
    receive_mutant(_each_event_of("http.request", lambda m: {**m, "body": bytearray(m.get("body", b""))})))
events_carry_a_tuple = breaks("ASGI-GEN-027", only=("test_events_hold_lists_not_tuples",))(
    receive_mutant(_each_event_of("http.request", lambda m: {**m, "x-probe-pair": (1, 2)})))
shutdown_carries_a_bytearray = breaks("ASGI-GEN-010", only=("test_shutdown_events_hold_only_the_serializable_types",))(
    receive_mutant(_each_event_of("lifespan.shutdown", lambda m: {**m, "x-probe-bytes": bytearray(b"x")}),
                   scope_type="lifespan"))
shutdown_carries_a_tuple = breaks("ASGI-GEN-027", only=("test_shutdown_events_hold_lists_not_tuples",))(
    receive_mutant(_each_event_of("lifespan.shutdown", lambda m: {**m, "x-probe-pair": (1, 2)}),
                   scope_type="lifespan"))

# --- receive() and send(): waiting, and the app after a disconnect ------------------------------


def _stuck_after_three_mib(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """A send() that, once 3 MiB are out, waits for a drain that never comes."""
    parts = 0

    async def stuck(message: Message) -> None:
        nonlocal parts
        if message["type"] == "http.response.body":
            parts += 1
            if parts > 48:
                await asyncio.Event().wait()
        await send(message)

    return receive, stuck


def _disconnect_at_once(scope: Scope, receive: Receive) -> Receive:
    """Once the request is complete, receive() says http.disconnect at once, client or no client."""
    complete = False

    async def receiving() -> Message:
        nonlocal complete
        if complete:
            return {"type": "http.disconnect"}
        message = await receive()
        complete = message["type"] == "http.request" and not message.get("more_body", False)
        return message

    return receiving


def _cancelled_after_disconnect(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """Cancels the app as soon as it has been told of the disconnect."""
    told = False

    async def wrapped() -> Message:
        nonlocal told
        if told:
            raise asyncio.CancelledError
        message = await receive()
        told = message["type"] == "http.disconnect"
        return message

    return wrapped, send


def _send_raises_after_disconnect(scope: Scope, receive: Receive, send: Send) -> tuple[Receive, Send]:
    """send() raises once the client has gone, but not an OSError (a server before spec 2.4 may not)."""
    return send_errors.raising_once_gone(receive, send, lambda: RuntimeError("mutant: the client has gone"))


send_stuck_after_the_client_left = breaks("ASGI-GEN-013")(http_mutant(_stuck_after_three_mib, path="/flood"))
disconnect_at_once = breaks("ASGI-GEN-014")(receive_mutant(_disconnect_at_once))
app_cancelled_at_disconnect = breaks("ASGI-GEN-026")(http_mutant(_cancelled_after_disconnect, path="/wait-disconnect"))
send_raises_after_disconnect = breaks("ASGI-GEN-022")(
    http_mutant(_send_raises_after_disconnect, path="/wait-disconnect"))
# The emulation of send() errors after a disconnect (tests/emulations/send_errors.py), the error
# the app re-raises left to reach uvicorn.
send_error_escapes = breaks("ASGI-GEN-023")(send_errors.emulation(catches=False))

# --- invalid events: send() lets them through ---------------------------------------------------


def _unknown_dropped(message: Message) -> Message | None:
    return message if message["type"] in ("http.response.start", "http.response.body") else None


def _status_defaulted(message: Message) -> Message:
    return {"status": 200, **message} if message["type"] == "http.response.start" else message


def _types_coerced(message: Message) -> Message:
    def as_bytes(value: Any) -> Any:
        return value.encode("latin-1") if isinstance(value, str) else value

    if "headers" in message:
        message = {**message, "headers": [(as_bytes(n), as_bytes(v)) for n, v in message["headers"]]}
    if "body" in message:
        message = {**message, "body": as_bytes(message["body"])}
    return message


def _extra_keys_rejected(message: Message) -> Message:
    known = {"type", "status", "headers", "trailers", "body", "more_body"}
    if set(message) - known:
        raise ValueError(f"mutant: unexpected keys {sorted(set(message) - known)}")
    return message


unknown_event_ignored = breaks("ASGI-GEN-017")(http_mutant(sends(_unknown_dropped), path="/bad-send"))
start_without_status_defaulted = breaks("ASGI-GEN-018")(http_mutant(sends(_status_defaulted), path="/bad-send"))
wrong_types_coerced = breaks("ASGI-GEN-019")(http_mutant(sends(_types_coerced), path="/bad-send"))
extra_keys_rejected = breaks("ASGI-GEN-020")(http_mutant(sends(_extra_keys_rejected), path="/bad-send"))

# --- when the app raises ------------------------------------------------------------------------


@breaks("ASGI-GEN-021", only=("test_an_exception_after_the_response_started_leaves_it_visibly_incomplete",))
async def exception_completes_response(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that, when the app raises mid-response, finishes the message as if all was well."""
    if scope["type"] != "http":
        await probe(scope, receive, send)
        return
    tracked, state = tracking(scope, send)
    try:
        await probe(scope, receive, tracked)
    except Exception:
        if not state["started"] or state["done"]:
            raise
        await send({"type": "http.response.body", "body": b"\0" * (state["owed"] or 0), "more_body": False})


exception_left_hanging = breaks("ASGI-GEN-021", only=("test_an_exception_before_the_response_ends_the_request",))(
    no_answer_without_a_response())

# --- legacy apps (with CONFORMANCE_ASGI_STYLE=legacy, ``probe`` is the probe's legacy form) -----


@breaks("ASGI-GEN-015")
async def legacy_called_as_single_callable(scope: Scope, receive: Receive, send: Send) -> None:
    """A server that calls every app as a single callable, a legacy one included."""
    await probe(scope, receive, send)


@breaks("ASGI-GEN-016")
class legacy_initialised_twice:  # noqa: N801 -- named, like the other mutants, for what it does
    """A server that calls a legacy app with the scope twice for one connection."""

    def __init__(self, scope: Scope) -> None:
        probe(scope)
        self.inner = probe(scope)

    async def __call__(self, receive: Receive, send: Send) -> None:
        await self.inner(receive, send)


# --- what runs the app: hypercorn's trio worker ---------------------------------------------------

app_run_under_trio = breaks("ASGI-GEN-025", server=HYPERCORN_TRIO)(unchanged())


spec_version_missing = breaks("ASGI-GEN-007", observes="asgi.spec_version = None")(
    scope_mutant(lambda scope: scope["asgi"].pop("spec_version", None)))
