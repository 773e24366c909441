"""The building blocks of the WSGI mutants: wsgiref serving the probe app behind middleware that
changes what the app is handed exactly as a faulty server would.

Belongs here: what several areas' mutants are built from (the environ or start_response handed
to the probe, changed), and ``unchanged``, the probe as it is, for the mutants where the server
breaks the requirement itself. Does not belong here: any mutant (each is declared in the module
of the area of the requirement it breaks: wsgi_environ.py, wsgi_input.py, ...). Like the probe
apps, this runs inside the server.
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
