"""Asking the probe apps what they saw: one request, the app's typed JSON revived."""

from __future__ import annotations

from typing import Any

from conformance.clients.raw import HeaderList, RawClient, Response
from conformance.probe_data import revive


def fetch_environ(
    client: RawClient,
    target: bytes | str = b"/environ",
    headers: HeaderList = (),
    *,
    method: str = "GET",
    body: bytes = b"",
    http_version: str = "1.1",
) -> tuple[dict[str, Any], Response]:
    """The environ the WSGI probe app was called with, its values of the exact types received."""
    response = client.request(method, target, headers, body, http_version=http_version)
    payload = response.json()
    environ = {key: revive(value) for key, value in payload["environ"].items()}
    return environ, response


def fetch_scope(
    client: RawClient,
    target: bytes | str = b"/scope",
    headers: HeaderList = (),
    *,
    method: str = "GET",
    body: bytes = b"",
    http_version: str = "1.1",
    content_length: bool = True,
) -> tuple[dict[str, Any], list[dict[str, Any]], Response]:
    """The scope the ASGI probe app was called with, and the http.request events it received."""
    response = client.request(
        method, target, headers, body, http_version=http_version, content_length=content_length
    )
    payload = response.json()
    return revive(payload["scope"]), [revive(e) for e in payload["events"]], response
