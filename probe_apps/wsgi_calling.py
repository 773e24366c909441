"""WSGI probe scenarios of how the server calls the application (PEP 3333): the call itself, the
kind of callable it is given, the kinds of iterable it must take, an app that changes its environ,
and a start_response that comes only in the first iteration. Also how wsgi_probe.app is called
(bind_call) and served (served_as).

Rule: standard library only; each scenario does one thing and registers itself with @scenario
(wsgi_common.py).

Scenarios:
  /call-shape      how the server called the app: positional arguments, keyword names
  /callable-kind   which kind of callable the server was given (PROBE_WSGI_CALLABLE: see served_as)
  /iterable        ?kind=getitem|tuple|list-subclass: the body b'one,two,three' in three blocks
  /modify-environ  ?how=clear|method-get: the app empties the environ, or says GET for a HEAD
  /lazy            start_response called only in the first iteration
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

try:  # run as part of the probe_apps package, or with probe_apps/ itself on sys.path
    from probe_apps.wsgi_common import Environ, StartResponse, params, scenario, text
except ImportError:  # pragma: no cover
    from wsgi_common import Environ, StartResponse, params, scenario, text  # type: ignore[no-redef]

BLOCKS = [b"one,", b"two,", b"three"]

# How the server called the app, per thread (or greenlet): set by wsgi_probe.app before dispatch.
CALL = threading.local()


def bind_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Environ, StartResponse]:
    """The app's (environ, start_response), however the server passed them; remembers how."""
    CALL.shape = {"positional": len(args), "keywords": sorted(kwargs)}
    values = list(args) + [kwargs[name] for name in ("environ", "start_response") if name in kwargs]
    if len(values) != 2:
        values += list(kwargs.values())
    return values[0], values[1]


@scenario("/call-shape")
def call_shape(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return text(start_response, json.dumps(getattr(CALL, "shape", None)).encode())


# WSGI-CALL-002: started with PROBE_WSGI_CALLABLE=KIND, the server is handed the probe app as that
# kind of callable (wsgi_probe applies served_as); /callable-kind says which it was.
CALLABLE_ENV = "PROBE_WSGI_CALLABLE"
SERVED_AS = ["function"]


def served_as(app: Callable[..., Any], kind: str) -> Callable[..., Any]:
    """``app`` as a callable of ``kind``: class (whose instances are the response iterable, as in
    the PEP's AppClass), instance (with __call__), method (bound), partial; else ``app`` itself."""

    class AppClass:
        def __init__(self, environ: Environ, start_response: StartResponse) -> None:
            self.result = app(environ, start_response)

        def __iter__(self) -> Iterator[bytes]:
            return iter(self.result)

        def close(self) -> None:
            getattr(self.result, "close", lambda: None)()

    class Instance:
        def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            return app(environ, start_response)

        def method(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            return app(environ, start_response)

    def with_prefix(prefix: str, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        return app(environ, start_response)

    kinds: dict[str, Callable[..., Any]] = {"class": AppClass, "instance": Instance(), "method": Instance().method,
                                            "partial": functools.partial(with_prefix, "bound")}
    if kind not in kinds:
        return app
    SERVED_AS[0] = kind
    return kinds[kind]


@scenario("/callable-kind")
def callable_kind(environ: Environ, start_response: StartResponse) -> list[bytes]:
    return text(start_response, SERVED_AS[0].encode())


# --- iterables -----------------------------------------------------------------------------------


class GetitemOnly:
    """The old sequence protocol only: no __iter__, IndexError at the end (like the PEP's own
    FileWrapper example)."""

    def __init__(self, items: list[bytes]) -> None:
        self.items = items

    def __getitem__(self, index: int) -> bytes:
        return self.items[index]


class ListSubclass(list):
    pass


ITERABLES: dict[str, Callable[[list[bytes]], Iterable[bytes]]] = {
    "getitem": GetitemOnly,
    "tuple": tuple,
    "list-subclass": ListSubclass,
}


@scenario("/iterable")
def odd_iterable(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ITERABLES[params(environ).get("kind", "getitem")](list(BLOCKS))


# --- the environ is the app's --------------------------------------------------------------------


@scenario("/modify-environ")
def modify_environ(environ: Environ, start_response: StartResponse) -> list[bytes]:
    """?how=clear: environ.clear() before answering; how=method-get: REQUEST_METHOD set to GET
    (and SERVER_PROTOCOL, wsgi.input removed), as an app that rewrites a HEAD may; how=none:
    the environ left alone."""
    how = params(environ).get("how", "clear")
    if how == "clear":
        environ.clear()
    elif how == "method-get":
        environ["REQUEST_METHOD"] = "GET"
        environ.pop("SERVER_PROTOCOL", None)
        environ.pop("wsgi.input", None)
    return text(start_response, b"modified")


# --- start_response in the first iteration -------------------------------------------------------


@scenario("/lazy")
def lazy_start(environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
    """A generator: start_response is called only when the server first iterates."""
    start_response("201 Created", [("Content-Type", "text/plain"), ("X-Lazy", "1")])
    yield b"lazy"
