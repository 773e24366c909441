"""The mutants of native strings and bytes (conformance/requirements/wsgi_strings.toml): the
environ's keys and values are native strings holding latin-1, the body is bytes, and the status
and headers the app gives go out as latin-1.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware
(the mutant of an HTTP_ variable that also breaks a string rule is wsgi_http_variables.py's,
declared there and here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.mutants.declare import breaks
from tests.mutants.wsgi_http_variables import header_value_utf8_decoded
from tests.mutants.wsgi_middleware import environ_mutant, start_response_mutant

bytes_key_in_environ = breaks("WSGI-STR-001")(environ_mutant(lambda e: e.update({b"X-Bytes-Key": "1"})))
header_value_utf8_decoded = breaks("WSGI-STR-002")(header_value_utf8_decoded)
path_info_utf8_decoded = breaks("WSGI-STR-004")(environ_mutant(
    lambda e: e.update(PATH_INFO=e["PATH_INFO"].encode("latin-1").decode("utf-8", "replace"))
))


class InputReturningBytearray:
    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytearray:
        return bytearray(self.stream.read(size))


input_returns_bytearray = breaks("WSGI-STR-005")(environ_mutant(
    lambda e: e.update({"wsgi.input": InputReturningBytearray(e["wsgi.input"])})
))


@breaks("WSGI-STR-006")
@breaks("WSGI-STR-007")
@start_response_mutant
def header_values_utf8(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """A server that encodes header values as UTF-8 (shown to wsgiref as the latin-1 reading of
    those bytes, so they reach the wire unchanged)."""

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        encoded = [(k, v.encode("utf-8").decode("latin-1") if isinstance(v, str) else v) for k, v in headers]
        return start_response(status, encoded, exc_info)

    return patched
