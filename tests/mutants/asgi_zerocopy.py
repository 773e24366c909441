"""Mutants of zero-copy send: each breaks a requirement of conformance/requirements/asgi_zerocopy.toml
(http.response.zerocopysend), and is declared beside its fault.

Belongs here: the faults put into the emulation of http.response.zerocopysend on uvicorn
(tests/emulations/zerocopy.py): a faulty reading of the event (its ``sent_as`` hook), or middleware
on either side of it. Does not belong here: another extension (the module of its own catalogue
file), or a building block other areas use too (asgi_middleware.py).
"""

from __future__ import annotations

import os

from tests.emulations import zerocopy
from tests.emulations.zerocopy import as_body
from tests.mutants.asgi_middleware import App, Message, Receive, Scope, Send, probe
from tests.mutants.declare import breaks

# The emulation as it is: what it advertises is reported.
zerocopy_emulation = breaks("ASGI-EXT-ZEROCOPY-001", observes="zerocopysend advertised")(zerocopy.emulation())


def _bodies_lost_after_a_zerocopysend(app: App) -> App:
    """``app``, whose body events after a zerocopysend lose their body before the emulation sees them."""

    async def losing(scope: Scope, receive: Receive, send: Send) -> None:
        zerocopied = False

        async def sending(message: Message) -> None:
            nonlocal zerocopied
            zerocopied = zerocopied or message["type"] == "http.response.zerocopysend"
            if message["type"] == "http.response.body" and zerocopied:
                message = {"type": "http.response.body", "more_body": message.get("more_body", False)}
            await send(message)

        await app(scope, receive, sending)

    return losing


def _without(key: str, message: Message) -> Message:
    return {k: v for k, v in message.items() if k != key}


def _read_from_the_start(message: Message) -> Message:
    """Without offset, reads from the start of the file, not from its position."""
    if message.get("offset") is None:
        os.lseek(message["file"].fileno(), 0, os.SEEK_SET)
    return as_body(message)


def _one_block_without_count(message: Message) -> Message:
    """Without count, only 256 bytes."""
    return as_body(message if message.get("count") is not None else {**message, "count": 256})


def _closes_the_file(message: Message) -> Message:
    body = as_body(message)
    message["file"].close()
    return body


def _held_until_the_end(app: App) -> App:
    """``app``, whose body parts are all held back until the last."""

    async def holding(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        held = b""

        async def sending(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.body":
                held += message.get("body", b"")
                if message.get("more_body"):
                    return
                message = {**message, "body": held}
            await send(message)

        await app(scope, receive, sending)

    return holding


zerocopy_not_mixable = breaks("ASGI-EXT-ZEROCOPY-002")(zerocopy.emulation(_bodies_lost_after_a_zerocopysend(probe)))
zerocopy_offset_ignored = breaks("ASGI-EXT-ZEROCOPY-003")(
    zerocopy.emulation(sent_as=lambda message: as_body(_without("offset", message))))
zerocopy_reads_from_the_start = breaks("ASGI-EXT-ZEROCOPY-004")(zerocopy.emulation(sent_as=_read_from_the_start))
zerocopy_count_ignored = breaks("ASGI-EXT-ZEROCOPY-005")(
    zerocopy.emulation(sent_as=lambda message: as_body(_without("count", message))))
zerocopy_stops_short_of_the_end = breaks("ASGI-EXT-ZEROCOPY-006")(zerocopy.emulation(sent_as=_one_block_without_count))
zerocopy_more_body_by_default = breaks("ASGI-EXT-ZEROCOPY-007")(
    zerocopy.emulation(sent_as=lambda message: as_body({"more_body": True, **message})))
zerocopy_closes_the_file = breaks("ASGI-EXT-ZEROCOPY-008")(zerocopy.emulation(sent_as=_closes_the_file))
zerocopy_held_until_the_end = breaks("ASGI-EXT-ZEROCOPY-009")(_held_until_the_end(zerocopy.emulation()))
