"""The mutants of write() (conformance/requirements/wsgi_write.toml): the write() callable
start_response returns, what it sends and when, and what the returned iterable yields after it.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware.
Some break another area's requirement as well, and are declared here and there: the
start_response without write() (wsgi_start_response.py), the body held back
(wsgi_buffering.py), close() skipped after a write() (wsgi_iterable.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_buffering import blocks_held_back
from tests.mutants.wsgi_iterable import close_skipped_after_write
from tests.mutants.wsgi_middleware import Environ, start_response_mutant, unchanged
from tests.mutants.wsgi_start_response import write_missing

write_missing = breaks("WSGI-WR-001")(write_missing)


@breaks("WSGI-WR-002")
@breaks("WSGI-WR-004")
def write_buffered_until_the_end(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """write() data held back and sent after the returned body."""
    held: list[bytes] = []

    def buffering(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
        start_response(status, headers, exc_info)
        return held.append

    result = probe(environ, buffering)

    def body() -> Any:
        yield from result
        yield from held

    return body()


def write_mutant(change: Callable[[Callable[[Any], Any]], Callable[[Any], Any]]) -> Callable[..., Any]:
    """The probe, whose write() callable is ``change(write)``."""

    def wrap(start_response: Callable[..., Any]) -> Callable[..., Any]:
        def patched(status: str, headers: list, exc_info: Any = None) -> Any:
            return change(start_response(status, headers, exc_info))

        return patched

    return start_response_mutant(wrap)


empty_writes_dropped = breaks("WSGI-WR-003", observes="waited for body data")(
    write_mutant(lambda write: lambda data: write(data) if data else None)
)
blocks_held_back = breaks("WSGI-WR-005")(blocks_held_back)
# wsgiref sends what is written past Content-Length (and so does every server tried)
unchanged = breaks("WSGI-WR-006")(unchanged)
close_skipped_after_write = breaks("WSGI-WR-007")(close_skipped_after_write)
write_encodes_str = breaks("WSGI-WR-007", observes="returned normally; the client got b'text'")(
    write_mutant(lambda write: lambda data: write(data.encode() if isinstance(data, str) else data))
)
