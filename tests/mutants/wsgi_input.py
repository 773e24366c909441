"""The mutants of wsgi.input (conformance/requirements/wsgi_input.toml): what its read methods
return, and when the body is read.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(wsgi.input that waits for the body sent after a 100 Continue is wsgi_http11.py's).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.configurations import THREADED_WSGI
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, environ_mutant, unchanged


class InputLosingLastByte:
    def __init__(self, stream: Any, length: int) -> None:
        self.stream, self.remaining = stream, length

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.remaining -= len(data)
        return data[:-1] if self.remaining <= 0 and data else data


class InputReadingPastSize:
    """Returns one byte more than asked for, as long as the body has one to give."""

    def __init__(self, stream: Any, length: int) -> None:
        self.stream, self.remaining = stream, length

    def read(self, size: int = -1) -> bytes:
        wanted = size + 1 if 0 < size < self.remaining else size
        data = self.stream.read(wanted)
        self.remaining -= len(data)
        return data


def _content_length(environ: Environ) -> int:
    return int(environ.get("CONTENT_LENGTH") or 0)


input_loses_last_byte = breaks("WSGI-IN-012")(environ_mutant(
    lambda e: e.update({"wsgi.input": InputLosingLastByte(e["wsgi.input"], _content_length(e))})
))
input_reads_past_size = breaks("WSGI-IN-002")(environ_mutant(
    lambda e: e.update({"wsgi.input": InputReadingPastSize(e["wsgi.input"], _content_length(e))})
))

# wsgiref hands the app the socket itself: reads past the body wait; readlines() and iteration
# need a server that ends the body
unchanged = breaks("WSGI-IN-003")(unchanged)
unchanged = breaks("WSGI-IN-004")(unchanged)
unchanged = breaks("WSGI-IN-005")(unchanged)


# --- its methods ------------------------------------------------------------------------------------


class InputMutant:
    """wsgi.input with one method broken; the others pass through."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, *args: Any) -> bytes:
        return self.stream.read(*args)

    def readline(self, *args: Any) -> bytes:
        return self.stream.readline(*args)

    def readlines(self, *args: Any) -> list[bytes]:
        return self.stream.readlines(*args)

    def __iter__(self) -> Any:
        return iter(self.stream)


def input_mutant(kind: type[InputMutant]) -> Callable[..., Any]:
    return environ_mutant(lambda e: e.update({"wsgi.input": kind(e["wsgi.input"])}))


class ReadlineWithoutNewline(InputMutant):
    def readline(self, *args: Any) -> bytes:
        return self.stream.readline(*args).rstrip(b"\n")


class ReadlineIgnoringSize(InputMutant):
    def readline(self, *args: Any) -> bytes:
        return self.stream.readline()


class ReadlinesEmpty(InputMutant):
    """cheroot's fault: readlines() asks readline(0) for each line, and gets nothing."""

    def readlines(self, *args: Any) -> list[bytes]:
        return []


class ReadlinesIgnoringHint(InputMutant):
    def readlines(self, *args: Any) -> list[bytes]:
        return self.stream.readlines()


class IterationInBlocks(InputMutant):
    def __iter__(self) -> Any:
        return iter(lambda: self.stream.read(2), b"")


class ReadlineWithItsOwnPosition(InputMutant):
    """readline() reads the whole body and hands out its first line: the rest is gone."""

    def readline(self, *args: Any) -> bytes:
        return self.stream.read().splitlines(True)[0]


class InputNegativeSizeAsZero(InputMutant):
    """read(-1) reads nothing, read(None) raises: a size taken at face value."""

    def read(self, *args: Any) -> bytes:
        if args and args[0] is None:
            raise TypeError("read() size must be an int")
        return b"" if args and args[0] < 0 else self.stream.read(*args)


readline_without_newline = breaks("WSGI-IN-006")(input_mutant(ReadlineWithoutNewline))
readline_ignoring_size = breaks("WSGI-IN-007")(input_mutant(ReadlineIgnoringSize))
readlines_empty = breaks("WSGI-IN-001", server=THREADED_WSGI)(input_mutant(ReadlinesEmpty))
readlines_ignoring_hint = breaks("WSGI-IN-008", observes="ignored the hint", server=THREADED_WSGI)(
    input_mutant(ReadlinesIgnoringHint)
)
iteration_in_blocks = breaks("WSGI-IN-009", server=THREADED_WSGI)(input_mutant(IterationInBlocks))
readline_with_its_own_position = breaks("WSGI-IN-010")(input_mutant(ReadlineWithItsOwnPosition))
input_negative_size_as_zero = breaks("WSGI-IN-011", only=["test_read_minus_one_returns_the_rest"],
                                     server=THREADED_WSGI)(input_mutant(InputNegativeSizeAsZero))
input_negative_size_as_zero = breaks("WSGI-IN-011", only=["test_read_none_is_reported"], observes="TypeError",
                                     server=THREADED_WSGI)(input_negative_size_as_zero)


# --- when the body is read --------------------------------------------------------------------------


@breaks("WSGI-IN-013", observes="pre-read")
def body_pre_read(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """Reads the whole body before calling the app, as a buffering server does."""
    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return probe(environ, start_response)
