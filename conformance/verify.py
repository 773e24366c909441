"""How a check states a verdict.

A failure says what was sent, what the spec allows (every allowed answer, not just one) and what
the server did; the plugin puts the requirement's ID, level, spec section and summary above it.
An observation is what a check reports without judging: the answer to a MAY, or which of several
allowed choices the server made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIELDS = ("sent", "expected", "got")  # what a failure says, in the order its message says it


def rendered(parts: Mapping[str, str]) -> str:
    """The fields among ``parts``, one a line, aligned: how every failure message shows them."""
    return "\n".join(f"{name + ':':<10}{parts[name]}" for name in FIELDS if name in parts)


class ConformanceFailure(AssertionError):
    def __init__(self, *, sent: str, expected: str, got: str, requirement: str | None = None) -> None:
        self.sent, self.expected, self.got, self.requirement = sent, expected, got, requirement
        super().__init__(self.render())

    def parts(self) -> dict[str, str]:
        return {"sent": str(self.sent), "expected": str(self.expected), "got": str(self.got)}

    def render(self) -> str:
        return rendered(self.parts())


def verify(ok: bool, *, sent: str, expected: str, got: Any, requirement: str | None = None) -> None:
    """Fail the check, naming ``requirement`` if given, unless ``ok``."""
    if not ok:
        raise ConformanceFailure(
            sent=sent, expected=expected, got=got if isinstance(got, str) else repr(got), requirement=requirement
        )


def shown(data: bytes, limit: int = 200) -> str:
    """Request bytes as a reader sees them in a failure message."""
    text = repr(data[:limit])
    return text + (f" ... ({len(data)} bytes in all)" if len(data) > limit else "")
