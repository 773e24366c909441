"""What the ASGI probes share about the loop they run on: asyncio, or trio under hypercorn's
trio worker. Standard library only: trio is used only if the server brought it."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any


def running_trio() -> Any:
    """The trio module when the app runs under trio, else None."""
    try:
        asyncio.get_running_loop()
        return None
    except RuntimeError:
        return sys.modules.get("trio")


async def sleep(seconds: float) -> None:
    trio = running_trio()
    await (trio.sleep(seconds) if trio else asyncio.sleep(seconds))


async def receive_within(receive: Callable[[], Awaitable[dict[str, Any]]], seconds: float) -> dict[str, Any] | None:
    """receive(), or None if no message came within ``seconds``."""
    trio = running_trio()
    if trio:
        with trio.move_on_after(seconds):
            return await receive()
        return None
    try:
        return await asyncio.wait_for(receive(), seconds)
    except asyncio.TimeoutError:
        return None


def runtime() -> dict[str, Any]:
    """What runs this code: a running asyncio loop (and its class), and on which thread."""
    try:
        loop: Any = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    return {"asyncio": loop is not None, "loop": type(loop).__module__ + "." + type(loop).__qualname__ if loop else
            None, "main_thread": threading.current_thread() is threading.main_thread(),
            "thread": threading.current_thread().name, "trio": running_trio() is not None}


def loop_id() -> str:
    """Which event loop runs this code: the process and the loop (or trio run) object."""
    trio = running_trio()
    loop = trio.lowlevel.current_trio_token() if trio else asyncio.get_running_loop()
    return f"{os.getpid()}:{id(loop)}"
