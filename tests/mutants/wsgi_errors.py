"""The mutants of wsgi.errors (conformance/requirements/wsgi_errors.toml): the errors stream's
methods, what it takes, and where its output goes.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(that the stream has its three methods is a wsgi.* key's requirement: the mutant without
writelines() is declared here and in wsgi_keys.py). Does not belong here: what the client gets
when the app fails (wsgi_error_handling.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import environ_mutant


class ErrorsWithoutWritelines:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class AsciiOnlyErrors(ErrorsWithoutWritelines):
    def write(self, text: str) -> None:
        self.stream.write(text.encode("ascii").decode("ascii"))

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)


class ErrorsNowhere(AsciiOnlyErrors):
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


class ErrorsHeldUntilFlush(AsciiOnlyErrors):
    """Buffers what is written until flush()."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.held: list[str] = []

    def write(self, text: str) -> None:
        self.held.append(text)

    def flush(self) -> None:
        self.stream.write("".join(self.held))
        self.held.clear()
        self.stream.flush()


class BytesOnlyErrors(ErrorsWithoutWritelines):
    """wsgi.errors opened in binary mode: str is refused."""

    def write(self, data: Any) -> None:
        if not isinstance(data, bytes):
            raise TypeError(f"a bytes-like object is required, not {type(data).__name__!r}")
        self.stream.write(data.decode("latin-1"))

    def writelines(self, lines: list[Any]) -> None:
        for line in lines:
            self.write(line)


def errors_mutant(kind: type[ErrorsWithoutWritelines]) -> Callable[..., Any]:
    return environ_mutant(lambda e: e.update({"wsgi.errors": kind(e["wsgi.errors"])}))


errors_without_writelines = breaks("WSGI-ERR-001")(errors_mutant(ErrorsWithoutWritelines))
errors_bytes_only = breaks("WSGI-ERR-002")(errors_mutant(BytesOnlyErrors))
errors_ascii_only = breaks("WSGI-ERR-003")(errors_mutant(AsciiOnlyErrors))
errors_held_until_flush = breaks("WSGI-ERR-004", observes="held until flush()")(errors_mutant(ErrorsHeldUntilFlush))
errors_go_nowhere = breaks("WSGI-ERR-005", observes="did not appear")(errors_mutant(ErrorsNowhere))
