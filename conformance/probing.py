"""Asking the probe apps what they saw: one request, the app's typed JSON revived.

Ordinary requests go through httpx; requests whose exact bytes matter (a target with escapes, a
repeated header, HTTP/1.0) go through the raw client. Both functions take either.
"""

from __future__ import annotations

from typing import Any

import httpx

from conformance.clients.raw import HeaderList, RawClient, Response
from conformance.probe_data import revive

Client = RawClient | httpx.Client


def ask(
    client: Client,
    method: str,
    target: bytes | str,
    headers: HeaderList = (),
    body: bytes = b"",
    *,
    http_version: str = "1.1",
    content_length: bool = True,
) -> tuple[dict[str, Any], Response | httpx.Response]:
    """Send one request and return the probe app's JSON answer with the response."""
    if isinstance(client, httpx.Client):
        if http_version != "1.1" or not content_length:
            raise ValueError("httpx sends ordinary HTTP/1.1 requests only: use the raw client")
        target_text = target.decode("ascii") if isinstance(target, bytes) else target
        response = client.request(method, target_text, headers=list(headers), content=body or None)
        try:
            return response.json(), response
        except ValueError:
            raise AssertionError(
                f"expected the probe app's JSON, got status {response.status_code} and body {response.content[:300]!r}"
            ) from None
    raw = client.request(method, target, headers, body, http_version=http_version, content_length=content_length)
    return raw.json(), raw


def fetch_environ(
    client: Client,
    target: bytes | str = b"/environ",
    headers: HeaderList = (),
    *,
    method: str = "GET",
    body: bytes = b"",
    http_version: str = "1.1",
) -> tuple[dict[str, Any], Response | httpx.Response]:
    """The environ the WSGI probe app was called with, its values of the exact types received."""
    payload, response = ask(client, method, target, headers, body, http_version=http_version)
    return {key: revive(value) for key, value in payload["environ"].items()}, response


def fetch_scope(
    client: Client,
    target: bytes | str = b"/scope",
    headers: HeaderList = (),
    *,
    method: str = "GET",
    body: bytes = b"",
    http_version: str = "1.1",
    content_length: bool = True,
) -> tuple[dict[str, Any], list[dict[str, Any]], Response | httpx.Response]:
    """The scope the ASGI probe app was called with, and the http.request events it received."""
    payload, response = ask(client, method, target, headers, body, http_version=http_version,
                            content_length=content_length)
    return revive(payload["scope"]), [revive(e) for e in payload["events"]], response
