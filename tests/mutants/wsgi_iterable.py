"""The mutants of the response iterable (conformance/requirements/wsgi_iterable.toml): how the
body is iterated and closed, the attributes a server may use, and the Content-Length it derives.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(the server that skips close() after a write() is declared here and in wsgi_write.py). Does not
belong here: write() (wsgi_write.py), framing by the app's Content-Length
(wsgi_content_length.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, declared_length

# --- close() ----------------------------------------------------------------------------------------


class Body:
    """The app's body as a faulty server handles it: ``skip_close(body)`` says when close() is
    not passed on; ``closes`` is how many times it is when it is."""

    def __init__(self, result: Any, skip_close: Callable[[Body], bool], closes: int = 1) -> None:
        self.result, self.skip_close, self.closes = result, skip_close, closes
        self.done = self.failed = False
        self.sent = 0
        self.status = ""
        self.environ: Environ = {}

    def __iter__(self) -> Any:
        try:
            for block in self.result:
                self.sent += len(block)
                yield block
        except Exception:
            self.failed = True
            raise
        self.done = True

    def close(self) -> None:
        if not self.skip_close(self):
            for _ in range(self.closes):
                getattr(self.result, "close", lambda: None)()


def body_mutant(skip_close: Callable[[Body], bool], closes: int = 1) -> Callable[..., Any]:
    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        statuses: list[str] = []
        written: list[int] = []

        def tracking(status: str, headers: list, exc_info: Any = None) -> Any:
            statuses.append(status)
            write = start_response(status, headers, exc_info)

            def counting_write(data: bytes) -> Any:
                written.append(len(data))
                return write(data)

            return counting_write

        body = Body(probe(environ, tracking), skip_close, closes)
        body.environ = environ
        body.status = statuses[-1] if statuses else ""
        body.written = written  # type: ignore[attr-defined]
        return body

    return app


close_called_twice = breaks("WSGI-IT-010")(body_mutant(lambda body: False, closes=2))
close_skipped_when_iteration_raises = breaks("WSGI-IT-011")(breaks("WSGI-IT-012")(
    body_mutant(lambda body: body.failed)
))
close_skipped_when_stopped_early = breaks("WSGI-IT-013")(breaks("WSGI-IT-023")(
    body_mutant(lambda body: not (body.done or body.failed))
))
close_skipped_past_content_length = breaks("WSGI-IT-014")(body_mutant(
    lambda body: (declared_length(body.environ) or body.sent + 1) < body.sent
))
close_skipped_without_body = breaks("WSGI-IT-015")(body_mutant(
    lambda body: body.environ.get("REQUEST_METHOD") == "HEAD" or body.status[:3] in ("204", "304")
))
close_skipped_after_write = breaks("WSGI-IT-016")(
    body_mutant(lambda body: bool(body.written))  # type: ignore[attr-defined]
)


def body_rewritten(change: Callable[[Any, Environ], Any]) -> Callable[..., Any]:
    """The probe, whose returned body the server takes as ``change(body, environ)``."""

    def app(environ: Environ, start_response: Callable[..., Any]) -> Any:
        return change(probe(environ, start_response), environ)

    return app


@breaks("WSGI-IT-017")
@body_rewritten
def closed_before_iterating(result: Any, environ: Environ) -> Any:
    iterator = iter(result)
    getattr(result, "close", lambda: None)()
    return iterator


@breaks("WSGI-IT-018", observes="closed the body early")
@body_rewritten
def head_body_closed_at_once(result: Any, environ: Environ) -> Any:
    if environ.get("REQUEST_METHOD") != "HEAD":
        return result
    getattr(result, "close", lambda: None)()
    return []


# --- iterating the body -----------------------------------------------------------------------------

@breaks("WSGI-IT-002")
def carriage_returns_dropped(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that "normalises line endings": every CR of the body is dropped, whether the app
    returned it (in one block or many) or wrote it."""

    def start(*args: Any) -> Callable[[bytes], Any]:
        write = start_response(*args)
        return lambda data: write(data.replace(b"\r", b""))

    return [block.replace(b"\r", b"") for block in probe(environ, start)]


@breaks("WSGI-IT-019")
def body_attributes_probed(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that looks for a file inside any body it is given."""
    result = probe(environ, start_response)
    getattr(result, "fileno", None)
    getattr(result, "read", None)
    return result


class _StrEncoded:
    def __init__(self, result: Any) -> None:
        self.result = result

    def __iter__(self) -> Any:
        return (block.encode() if isinstance(block, str) else block for block in self.result)

    def close(self) -> None:
        getattr(self.result, "close", lambda: None)()


str_blocks_encoded = breaks("WSGI-IT-023", observes="b'text' sent")(
    body_rewritten(lambda result, environ: _StrEncoded(result))
)


# --- the Content-Length the server derives ----------------------------------------------------------


# wsgiref derives Content-Length from a one-item list; the mutant hides the list
@breaks("WSGI-IT-020", observes="no Content-Length derived")
def one_item_body_as_generator(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """A server that never derives Content-Length (the body reaches it as a generator)."""
    result = probe(environ, start_response)

    def body() -> Any:
        yield from result

    return body()


@breaks("WSGI-IT-021")
def content_length_from_the_list_alone(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """The len() == 1 shortcut taken although the app used write(): Content-Length misses the
    written bytes."""
    stored: list[Any] = []
    held: list[bytes] = []

    def storing(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
        stored[:] = [status, headers]
        return held.append

    result = probe(environ, storing)
    items = list(result)
    status, headers = stored
    if len(items) == 1 and not any(k.lower() == "content-length" for k, _ in headers):
        headers = [*headers, ("Content-Length", str(len(items[0])))]
    start_response(status, headers)
    return [*held, *items]
