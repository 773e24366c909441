"""The building blocks of the WSGI mutants: wsgiref serving the probe app behind middleware that
changes what the app is handed exactly as a faulty server would.

Belongs here: what several areas' mutants are built from (the environ or start_response handed
to the probe, changed; the probe's whole response, rewritten), and ``unchanged``, the probe as it
is, for the mutants where the server breaks the requirement itself. Does not belong here: any
mutant (each is declared in the module of the area of the requirement it breaks, named after its
catalogue file: wsgi_environ.py, wsgi_keys.py, ...). Like the probe apps, this runs inside the
server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe

Environ = dict[str, Any]


def unchanged(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """The probe as it is, for a server that breaks the requirement itself (its declaration says how)."""
    return probe(environ, start_response)


def environ_mutant(change: Callable[[Environ], Any]) -> Callable[..., Any]:
    """The probe, called with the environ ``change`` returns (or the one it changed in place)."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        changed = change(environ)
        return probe(environ if changed is None else changed, start_response)

    return app


def drop(key: str) -> Callable[[Environ], None]:
    def dropping(environ: Environ) -> None:
        environ.pop(key, None)

    return dropping


def start_response_mutant(wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Callable[..., Any]:
    """The probe, handed ``wrap(start_response)``: each wraps the server's start_response the way a
    faulty server's own start_response behaves."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        return probe(environ, wrap(start_response))

    return app


def declared_length(environ: Environ) -> int | None:
    """The Content-Length the probe is asked to declare (its ``cl`` query parameter), if any."""
    query = dict(pair.partition("=")[::2] for pair in environ.get("QUERY_STRING", "").split("&"))
    return int(query["cl"]) if query.get("cl", "").isdigit() else None


Transform = Callable[[Environ, str, list, bytes], tuple[str, list, bytes]]


def response_mutant(transform: Transform) -> Callable[..., Any]:
    """The probe's status, headers and body, collected and then rewritten by ``transform``."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        collected: dict[str, Any] = {}
        written: list[bytes] = []

        def collect(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
            collected.update(status=status, headers=headers)
            return written.append

        result = probe(environ, collect)
        try:
            body = b"".join([*written, *result])
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers, body = transform(environ, collected["status"], collected["headers"], body)
        start_response(status, headers)
        return [body]

    return app


def without(headers: list, *names: str) -> list:
    """The headers, less those named (in any case)."""
    return [(k, v) for k, v in headers if k.lower() not in {n.lower() for n in names}]
