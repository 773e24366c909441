"""The mutants of wsgi.file_wrapper (conformance/requirements/wsgi_file_wrapper.toml): whether it
is offered and how it is called, and how the server sends the file it wraps.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any
from wsgiref.util import FileWrapper

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, drop, environ_mutant, unchanged


def file_wrapper_mutant(make: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """The probe, handed ``make(filelike, write)`` as wsgi.file_wrapper (``write`` is the write()
    callable of the response, once start_response has been called)."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        writes: list[Any] = []

        def capturing(status: str, headers: list, exc_info: Any = None) -> Any:
            writes.append(start_response(status, headers, exc_info))
            return writes[-1]

        environ["wsgi.file_wrapper"] = lambda filelike, *blksize: make(filelike, writes[-1] if writes else None)
        return probe(environ, capturing)

    return app


file_wrapper_missing = breaks("WSGI-FW-001", observes="no wsgi.file_wrapper")(environ_mutant(drop("wsgi.file_wrapper")))


@breaks("WSGI-FW-002")
@environ_mutant
def file_wrapper_keyword_only(environ: Environ) -> None:
    original = environ["wsgi.file_wrapper"]

    def wrapper(*, filelike: Any, blksize: int = 8192) -> Any:
        return original(filelike, blksize)

    environ["wsgi.file_wrapper"] = wrapper


class FileMarker:
    """What a server whose file wrapper is only a marker hands out: no __iter__ of its own; the
    server sends the file itself when the app returns the marker."""

    def __init__(self, filelike: Any) -> None:
        self.filelike = filelike

    def close(self) -> None:
        getattr(self.filelike, "close", lambda: None)()


def file_wrapper_marker(own_headers: bool) -> Callable[..., Any]:
    """``own_headers``: when the app returns the marker, the server sends the file with a status
    and headers of its own (200, application/octet-stream) instead of the app's."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        environ["wsgi.file_wrapper"] = lambda filelike, *blksize: FileMarker(filelike)
        result = probe(environ, start_response)
        if not isinstance(result, FileMarker):
            return result
        if own_headers:  # exc_info lets wsgiref take the replacement: nothing was sent yet
            start_response("200 OK", [("Content-Type", "application/octet-stream")], (None, None, None))
        return iter(lambda: result.filelike.read(8192), b"")

    return app


file_wrapper_not_iterable = breaks("WSGI-FW-003")(file_wrapper_marker(own_headers=False))


@breaks("WSGI-FW-004")
@file_wrapper_mutant
def file_wrapper_sends_at_once(filelike: Any, write: Any) -> Any:
    write(filelike.read())
    return []


file_wrapper_never_closes = breaks("WSGI-FW-005")(
    file_wrapper_mutant(lambda filelike, write: iter(lambda: filelike.read(8192), b""))
)
file_wrapper_first_block_only = breaks("WSGI-FW-006")(
    file_wrapper_mutant(lambda filelike, write: [filelike.read(1000)])
)


@breaks("WSGI-FW-007")
@file_wrapper_mutant
def file_wrapper_from_the_start(filelike: Any, write: Any) -> Any:
    filelike.seek(0)
    return iter(lambda: filelike.read(8192), b"")


# wsgiref's file wrapper sends the whole file, past the app's Content-Length
unchanged = breaks("WSGI-FW-008")(unchanged)
file_wrapper_as_one_item_list = breaks("WSGI-FW-009", observes="derived from the file")(
    file_wrapper_mutant(lambda filelike, write: [filelike.read()])
)
file_wrapper_with_its_own_headers = breaks("WSGI-FW-010")(file_wrapper_marker(own_headers=True))


@breaks("WSGI-FW-011", observes="looked up fileno besides read()")
@file_wrapper_mutant
def file_wrapper_using_fileno(filelike: Any, write: Any) -> Any:
    """As a sendfile() path does: the file's size from its descriptor, then (here) a read loop."""
    os.fstat(filelike.fileno())
    return FileWrapper(filelike)
