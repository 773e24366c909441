"""The mutants of wsgi.errors and error handling (conformance/requirements/wsgi_errors.toml):
the errors stream's methods and where its output goes, and what the client gets when the app fails.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.configurations import WSGIREF_HTTP11
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, declared_length, environ_mutant
from tests.mutants.wsgi_start_response import assumes_start_response_called

# --- wsgi.errors ------------------------------------------------------------------------------------


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


# --- error handling ---------------------------------------------------------------------------------


@breaks("WSGI-EH-001")
def errors_become_success(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that answers an app's exception with an empty 200."""
    try:
        return probe(environ, start_response)
    except Exception:
        start_response("200 OK", [("Content-Type", "text/plain")], sys.exc_info())
        return [b""]


def _quiet_body(result: Any, pad_to: int | None) -> Any:
    """The body, with an exception during iteration turned into a normal end (padded to
    ``pad_to`` bytes when given, so the response looks whole)."""
    sent = 0
    try:
        for block in result:
            sent += len(block)
            yield block
    except Exception:
        if pad_to is not None and sent < pad_to:
            yield b"." * (pad_to - sent)
    finally:
        getattr(result, "close", lambda: None)()


@breaks("WSGI-EH-002")
def failed_first_block_becomes_success(environ: Environ, start_response: Callable[..., Any]) -> Any:
    return _quiet_body(probe(environ, start_response), None)


@breaks("WSGI-EH-006", only=["test_an_exception_from_start_response_aborts_the_response[chunked]"],
        server=WSGIREF_HTTP11)
@breaks("WSGI-EH-006", only=["test_an_exception_from_start_response_aborts_the_response[content-length]"])
@breaks("WSGI-EH-003", only=["test_an_error_after_the_headers_aborts_the_response[chunked]"], server=WSGIREF_HTTP11)
@breaks("WSGI-EH-003", only=["test_an_error_after_the_headers_aborts_the_response[content-length]"])
def failed_body_completed(environ: Environ, start_response: Callable[..., Any]) -> Any:
    return _quiet_body(probe(environ, start_response), declared_length(environ))


def _error_text_added(result: Any) -> Any:
    try:
        yield from result
    except Exception:
        yield b"\n[server: the application failed]\n"
        raise
    finally:
        getattr(result, "close", lambda: None)()


@breaks("WSGI-EH-004", observes="[server:")
def error_text_added(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that adds an error line to a text body cut short by an app error."""
    return _error_text_added(probe(environ, start_response))


@breaks("WSGI-EH-005", only=["test_an_app_that_breaks_the_protocol_gets_no_success[none]"])
def none_taken_for_empty(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that takes an app's None for an empty body."""
    result = probe(environ, start_response)
    return [] if result is None else result


assumes_start_response_called = breaks("WSGI-EH-005", only=["test_an_app_that_breaks_the_protocol_gets_no_success"
                                                            "[no-start]"])(assumes_start_response_called)
