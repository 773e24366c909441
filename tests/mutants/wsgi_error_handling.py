"""The mutants of error handling (conformance/requirements/wsgi_error_handling.toml): what the
client gets when the app fails, before or after the headers went out, or breaks the protocol.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(the server's start_response that sends a default for an app that never called it is
wsgi_calling.py's, declared there and here). Does not belong here: wsgi.errors (wsgi_errors.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.configurations import WSGIREF_HTTP11
from tests.mutants.declare import breaks
from tests.mutants.wsgi_calling import assumes_start_response_called
from tests.mutants.wsgi_middleware import Environ, declared_length


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
