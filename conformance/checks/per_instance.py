"""Outcomes made once per server instance and shared by the checks that read them: one exchange
(a handshake, a hang-up, whether the server speaks h2c) that several checks judge differently.

Rules: the key is the instance (its ``instance_id``) and the kind of exchange, so a fresh
instance (a restart, a dedicated one) gets its own outcome. Only an outcome that was made is
kept: an exchange that raised (a failure, a skip) is tried again by the next check that asks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Instance(Protocol):
    """A running server (ServerProcess), or a view of one (WsServer)."""

    @property
    def instance_id(self) -> str: ...


class PerInstance(Generic[T]):
    def __init__(self) -> None:
        self._made: dict[tuple[str, Hashable], T] = {}

    def once(self, server: Instance, kind: Hashable, make: Callable[[], T]) -> T:
        """The outcome of ``make()`` for this instance and ``kind``, made on the first call."""
        key = (server.instance_id, kind)
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]
