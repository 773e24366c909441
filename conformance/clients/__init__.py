"""Clients that drive the server under test: raw (byte-exact HTTP/1.x over h11) and httpx."""

from conformance.clients.raw import RawClient, Response, WireError

__all__ = ["RawClient", "Response", "WireError"]
