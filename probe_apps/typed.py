"""Python values as JSON that keeps their exact types.

A check must tell a native ``str`` from ``bytes``, a ``tuple`` from a ``list`` and ``True`` from
``1``, so every value is wrapped as ``{"t": type name, "v": value}``. Objects that JSON cannot hold
(``wsgi.input``, ``wsgi.errors``) are described by their class and public attributes.
"""

from __future__ import annotations

import base64
from typing import Any


def describe(value: Any) -> dict[str, Any]:
    """Return a JSON-safe description of ``value`` that keeps its exact type."""
    kind = type(value)
    if value is None:
        return {"t": "None"}
    if kind in (bool, int, float):
        return {"t": kind.__name__, "v": value}
    if kind is str:
        return {"t": "str", "v": value}
    if kind in (bytes, bytearray, memoryview):
        return {"t": kind.__name__, "v": base64.b64encode(bytes(value)).decode("ascii")}
    if kind in (list, tuple):
        return {"t": kind.__name__, "v": [describe(item) for item in value]}
    if kind is dict:
        return {"t": "dict", "v": [[describe(k), describe(v)] for k, v in value.items()]}
    return {
        "t": "object",
        "class": f"{kind.__module__}.{kind.__qualname__}",
        "attrs": sorted(name for name in dir(value) if not name.startswith("_")),
    }
