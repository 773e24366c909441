"""Reading back what the probe apps report: typed JSON (probe_apps/typed.py) to Python values.

The revived values have exactly the types the server handed the app, so a check can assert
``type(value) is str`` on what it reads here.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Opaque:
    """An object JSON cannot carry (a stream, a callable): its class and public attributes."""

    cls: str
    attrs: tuple[str, ...]


_SCALARS = {"bool": bool, "int": int, "float": float, "str": str}
_BYTES = {"bytes": bytes, "bytearray": bytearray, "memoryview": lambda b: memoryview(b)}


def revive(description: dict[str, Any]) -> Any:
    kind = description["t"]
    if kind == "None":
        return None
    if kind in _SCALARS:
        return description["v"]
    if kind in _BYTES:
        return _BYTES[kind](base64.b64decode(description["v"]))
    if kind == "list":
        return [revive(item) for item in description["v"]]
    if kind == "tuple":
        return tuple(revive(item) for item in description["v"])
    if kind == "dict":
        return {_hashable(revive(k)): revive(v) for k, v in description["v"]}
    if kind == "object":
        return Opaque(description["class"], tuple(description["attrs"]))
    raise ValueError(f"unknown type tag in probe data: {kind!r}")


def _hashable(key: Any) -> Any:
    return bytes(key) if isinstance(key, (bytearray, memoryview)) else key


def type_name(value: Any) -> str:
    """How a check names a value's type in a failure message."""
    return value.cls if isinstance(value, Opaque) else type(value).__name__
