"""The mutants of calling the application (conformance/requirements/wsgi_calling.toml): how the
server calls the app, how often, and which results it serves.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(the server that serves plain functions only is a shim: wsgi_shims.py). The server that assumes
start_response was called also fails an app that never calls it: declared here and in
wsgi_error_handling.py.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, unchanged


@breaks("WSGI-CALL-001")
def called_with_keywords(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that calls the app as application(environ=..., start_response=...)."""
    return probe(environ=environ, start_response=start_response)


@breaks("WSGI-CALL-003")
def called_twice(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that calls the app once more for the same request (a retry), dropping the first answer."""
    first = probe(dict(environ), lambda status, headers, exc_info=None: (lambda data: None))
    getattr(first, "close", lambda: None)()
    return probe(environ, start_response)


@breaks("WSGI-CALL-005")
def assumes_start_response_called(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that, finding start_response not yet called when the app returns, sends a default."""
    calls: list[int] = []

    def tracking(*args: Any) -> Any:
        calls.append(1)
        return start_response(*args)

    result = probe(environ, tracking)
    if not calls:
        start_response("200 OK", [("Content-Type", "text/plain")])
    return result


# wsgiref itself reads environ['SERVER_PROTOCOL'] back when it sends the headers
unchanged = breaks("WSGI-CALL-004", only=["test_the_app_may_empty_the_environ"])(unchanged)


@breaks("WSGI-CALL-006")
def iterable_kinds_dropped(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that streams lists and generators, and takes any other iterable for one block."""
    result = probe(environ, start_response)
    if type(result) is list or isinstance(result, types.GeneratorType):
        return result
    return [next(iter(result))]
