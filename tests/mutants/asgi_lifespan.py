"""Mutants of the lifespan protocol: each breaks a requirement of
conformance/requirements/asgi_lifespan.toml, and is declared beside its middleware.

Belongs here: the mutants of that catalogue file (the lifespan scope and its events, startup and
shutdown and their failures). Does not belong here: the lifespan state (asgi_state.py), the value
types in lifespan events (the core rules, asgi_core.py), or a building block other areas use too
(asgi_middleware.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable

from tests.configurations import UVICORN_LIFESPAN_ON
from tests.mutants.asgi_middleware import (
    App,
    Message,
    Receive,
    Scope,
    Send,
    probe,
    receive_mutant,
    scope_mutant,
    unchanged,
)
from tests.mutants.declare import breaks

lifespan_asgi_missing = breaks("ASGI-LS-001")(scope_mutant(lambda scope: scope.pop("asgi"), scope_type="lifespan"))


@breaks("ASGI-LS-002")
async def lifespan_spec_version_2_3(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        scope["asgi"]["spec_version"] = "2.3"  # in place, as granian does
    await probe(scope, receive, send)


@breaks("ASGI-LS-003")
async def lifespan_in_one_worker_only(scope: Scope, receive: Receive, send: Send) -> None:
    """Runs the lifespan in the first worker process of a server only; the others raise on the
    lifespan scope (so their server goes on without one), as if only one loop got a lifespan."""
    if scope["type"] == "lifespan":
        marker = os.path.join(tempfile.gettempdir(), f"conformance-lifespan-{os.getppid()}-"
                                                     f"{os.environ.get('CONFORMANCE_INSTANCE', '')}")
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            raise RuntimeError("mutant: no lifespan in this worker process") from None
    await probe(scope, receive, send)


@breaks("ASGI-LS-004")
async def lifespan_in_another_loop(scope: Scope, receive: Receive, send: Send) -> None:
    """Runs the lifespan in an event loop of its own, in another thread."""
    if scope["type"] != "lifespan":
        await probe(scope, receive, send)
        return
    main = asyncio.get_running_loop()

    def run() -> None:
        async def relayed_receive() -> Message:
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(receive(), main))

        async def relayed_send(message: Message) -> None:
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(send(message), main))

        asyncio.run(probe(scope, relayed_receive, relayed_send))

    await main.run_in_executor(None, run)


# --- the events the server sends ----------------------------------------------------------------


def _bogus_event_at(call: int) -> Callable[[Scope, Receive], Receive]:
    """A receive that hands the app lifespan.bogus at its ``call``-th call instead of an event."""

    def wrap(scope: Scope, receive: Receive) -> Receive:
        calls = 0

        async def wrapped() -> Message:
            nonlocal calls
            calls += 1
            if calls == call:
                return {"type": "lifespan.bogus"}
            return await receive()

        return wrapped

    return wrap


lifespan_bogus_first_event = breaks("ASGI-LS-005")(receive_mutant(_bogus_event_at(1), scope_type="lifespan"))
lifespan_extra_event = breaks("ASGI-LS-015")(receive_mutant(_bogus_event_at(2), scope_type="lifespan"))


@breaks("ASGI-LS-016")
async def lifespan_split_in_two(scope: Scope, receive: Receive, send: Send) -> None:
    """Calls the app anew, with a fresh lifespan scope, to deliver lifespan.shutdown."""
    if scope["type"] != "lifespan":
        await probe(scope, receive, send)
        return
    shutdown = asyncio.Event()

    async def first_receive() -> Message:
        message = await receive()
        if message["type"] == "lifespan.shutdown":
            shutdown.set()
            await asyncio.Event().wait()
        return message

    first = asyncio.ensure_future(probe(scope, first_receive, send))
    await shutdown.wait()

    async def second_receive() -> Message:
        return {"type": "lifespan.shutdown"}

    await probe(dict(scope), second_receive, send)
    first.cancel()


# --- startup and shutdown: the server completing them itself ------------------------------------


def lifespan_relay(on_message: Callable[[Message, Send], Awaitable[Message | None]],
                   swallow: set[str]) -> App:
    """Stands between the server and the app's lifespan: ``on_message`` sees each server event
    (and may answer the server itself, or withhold it from the app by returning None); the app's
    messages whose type is in ``swallow`` never reach the server."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await probe(scope, receive, send)
            return

        async def relayed_receive() -> Message:
            while True:
                message = await on_message(await receive(), send)
                if message is not None:
                    return message

        async def relayed_send(message: Message) -> None:
            if message["type"] not in swallow:
                await send(message)

        await probe(scope, relayed_receive, relayed_send)

    return app


async def _complete_startup_at_once(message: Message, send: Send) -> Message:
    if message["type"] == "lifespan.startup":
        await send({"type": "lifespan.startup.complete"})
    return message


async def _withhold_shutdown(message: Message, send: Send) -> Message | None:
    if message["type"] == "lifespan.shutdown":
        await send({"type": "lifespan.shutdown.complete"})
        return None
    return message


async def _complete_shutdown_at_once(message: Message, send: Send) -> Message:
    if message["type"] == "lifespan.shutdown":
        await send({"type": "lifespan.shutdown.complete"})
    return message


startup_completed_early = breaks("ASGI-LS-006", only=("test_no_request_is_served_before_startup_completes",))(
    lifespan_relay(_complete_startup_at_once, {"lifespan.startup.complete"}))
shutdown_withheld = breaks("ASGI-LS-009")(lifespan_relay(_withhold_shutdown, {"lifespan.shutdown.complete"}))
shutdown_completed_early = breaks("ASGI-LS-010")(
    lifespan_relay(_complete_shutdown_at_once, {"lifespan.shutdown.complete"}))

# --- failed startup and shutdown ----------------------------------------------------------------


def lifespan_send_mutant(change: Callable[[Message], Message]) -> App:
    """The probe, with each lifespan message it sends passed through ``change``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await probe(scope, receive, send)
            return

        async def changed(message: Message) -> None:
            await send(change(message))

        await probe(scope, receive, changed)

    return app


def _failure_becomes(kind: str) -> Callable[[Message], Message]:
    def change(message: Message) -> Message:
        if message["type"] == f"lifespan.{kind}.failed":
            return {"type": f"lifespan.{kind}.failed", "message": ""}
        return message

    return change


def _missing_message_fails(kind: str) -> Callable[[Message], Message]:
    def change(message: Message) -> Message:
        if message["type"] == f"lifespan.{kind}.failed" and "message" not in message:
            # as a server reading message["message"] would fail, and log it
            print("Traceback (most recent call last):\nKeyError: 'message'", file=sys.stderr, flush=True)
            raise KeyError("message")
        return message

    return change


startup_failure_ignored = breaks("ASGI-LS-006", only=("test_a_server_whose_startup_failed_serves_nothing",))(
    lifespan_send_mutant(
        lambda m: {"type": "lifespan.startup.complete"} if m["type"] == "lifespan.startup.failed" else m))
startup_failure_message_dropped = breaks("ASGI-LS-007")(lifespan_send_mutant(_failure_becomes("startup")))
startup_failure_needs_a_message = breaks("ASGI-LS-008")(lifespan_send_mutant(_missing_message_fails("startup")))
shutdown_failure_message_dropped = breaks("ASGI-LS-011")(lifespan_send_mutant(_failure_becomes("shutdown")))
shutdown_failure_needs_a_message = breaks("ASGI-LS-012")(lifespan_send_mutant(_missing_message_fails("shutdown")))
# uvicorn with --lifespan on: a raising lifespan is fatal there, which is the fault.
# uvicorn told not to run the lifespan at all (--lifespan off): the app never gets a lifespan scope.
UVICORN_LIFESPAN_OFF = "uvicorn --host {host} --port {port} --http h11 --lifespan off {app}"
lifespan_never_run = breaks("ASGI-LS-017", server=UVICORN_LIFESPAN_OFF)(unchanged())
lifespan_fatal_on_raise = breaks("ASGI-LS-013", server=UVICORN_LIFESPAN_ON)(unchanged())
lifespan_fatal_on_startup_raise = breaks("ASGI-LS-014", server=UVICORN_LIFESPAN_ON)(unchanged())
