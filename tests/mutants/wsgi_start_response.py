"""The mutants of start_response (conformance/requirements/wsgi_start_response.toml): its
arguments, exc_info, the checks it makes, and the status line and headers that go out.

Belongs here: each mutant breaking a requirement of that area, declared beside its middleware:
most wrap the server's start_response the way a faulty server's own start_response behaves. The
server-side ones (the Date header, a response without body, an unchecked status) are shims
(wsgi_shims.py). The start_response without write() is declared here and in wsgi_write.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from probe_apps.wsgi_probe import app as probe
from tests.mutants.declare import breaks
from tests.mutants.wsgi_middleware import Environ, start_response_mutant, unchanged


@breaks("WSGI-SR-001")
@start_response_mutant
def exc_info_keyword_only(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, *, exc_info: Any = None) -> Any:
        return start_response(status, headers, exc_info)

    return patched


@breaks("WSGI-SR-002")
def write_missing(environ: Environ, start_response: Callable[..., Any]) -> Any:
    """start_response that returns None instead of a write() callable."""

    def no_write(status: str, headers: list, exc_info: Any = None) -> None:
        start_response(status, headers, exc_info)

    return probe(environ, no_write)


# wsgiref itself sends the headers on the first block, empty or not
unchanged = breaks("WSGI-SR-003")(unchanged)


@breaks("WSGI-SR-004", observes="sent at start_response")
@start_response_mutant
def headers_at_once_for_content_length_zero(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        write = start_response(status, headers, exc_info)
        if any(name.lower() == "content-length" and value == "0" for name, value in headers):
            write(b"")  # wsgiref sends the headers on the first write(), even an empty one
        return write

    return patched


# --- exc_info and a second call ---------------------------------------------------------------------


@breaks("WSGI-SR-006")
@start_response_mutant
def exc_info_ignored(start_response: Callable[..., Any]) -> Callable[..., Any]:
    stored: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        if exc_info is not None and stored:
            return stored[0]  # keeps the first status and headers
        stored.append(start_response(status, headers, exc_info))
        return stored[0]

    return patched


@breaks("WSGI-SR-007")
@start_response_mutant
def exc_info_never_raises(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        try:
            return start_response(status, headers, exc_info)
        except Exception:
            if exc_info is None:
                raise
            return lambda data: None

    return patched


@breaks("WSGI-SR-008")
@start_response_mutant
def exc_info_raises_another_error(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        try:
            return start_response(status, headers, exc_info)
        except Exception:
            if exc_info is None:
                raise
            raise RuntimeError("headers already sent") from None

    return patched


@breaks("WSGI-SR-009")
@start_response_mutant
def second_call_accepted(start_response: Callable[..., Any]) -> Callable[..., Any]:
    stored: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        if stored and exc_info is None:
            return stored[0]
        stored.append(start_response(status, headers, exc_info))
        return stored[-1]

    return patched


@breaks("WSGI-SR-017")
@start_response_mutant
def exc_info_kept(start_response: Callable[..., Any]) -> Callable[..., Any]:
    kept: list[Any] = []

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        kept.append(exc_info)
        return start_response(status, headers, exc_info)

    return patched


# --- the status and headers -------------------------------------------------------------------------


def _sanitise(text: Any) -> str:
    text = text.decode("latin-1") if isinstance(text, bytes) else str(text)
    return text.split("\r")[0].split("\n")[0]


@breaks("WSGI-SR-010")
@start_response_mutant
def header_checks_skipped(start_response: Callable[..., Any]) -> Callable[..., Any]:
    """Quietly repairs what the app got wrong, so start_response never has anything to raise."""

    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        cleaned = [(_sanitise(name).replace(":", "-"), _sanitise(value)) for name, value in headers]
        return start_response(_sanitise(status), cleaned, exc_info)

    return patched


@breaks("WSGI-SR-012")
@start_response_mutant
def reason_phrase_replaced(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status.split(" ", 1)[0] + " OK", headers, exc_info)

    return patched


# wsgiref appends the Content-Length it derives to the app's own list; the mutant hands it a copy
@breaks("WSGI-SR-013", observes="left as it was")
@start_response_mutant
def headers_list_copied(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        return start_response(status, list(headers), exc_info)

    return patched


@breaks("WSGI-SR-016")
@start_response_mutant
def repeated_headers_folded(start_response: Callable[..., Any]) -> Callable[..., Any]:
    def patched(status: str, headers: list, exc_info: Any = None) -> Any:
        folded: dict[str, tuple[str, str]] = {}
        for name, value in headers:
            key = name.lower()
            folded[key] = (name, f"{folded[key][1]}, {value}") if key in folded else (name, value)
        return start_response(status, list(folded.values()), exc_info)

    return patched

