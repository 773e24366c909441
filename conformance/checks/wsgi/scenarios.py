"""The WSGI probe's scenarios as checks in several modules ask for them: the target of /respond,
which answers exactly the status, headers and body in its query, and of /input, which reports
what each wsgi.input call returned; and how the headers of an answer read in a failure message,
or differ from the ones the app was told to send.
"""

from __future__ import annotations

from conformance.checks.wire import target
from conformance.clients.raw import Response


def respond(status: str, headers: list[tuple[str, str]], body: str | bytes) -> str:
    text = body.decode("latin-1") if isinstance(body, bytes) else body
    return target("/respond", ("status", status), *(("h", f"{k}:{v}") for k, v in headers), ("body", text))


def input_path(*ops: str) -> str:
    return "/input?" + "&".join(f"op={op}" for op in ops)


def headers_of(response: Response) -> str:
    return ", ".join(f"{k.decode('latin-1')}: {v.decode('latin-1')}" for k, v in response.headers) or "none"


def changed_headers(response: Response, sent: list[tuple[str, str]]) -> list[str]:
    """The app's headers that did not arrive exactly once with their value."""
    return [f"{name}: {value} became {[v.decode('latin-1') for v in response.header_values(name)]}"
            for name, value in sent if response.header_values(name) != [value.encode("latin-1")]]
