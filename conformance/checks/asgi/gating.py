"""What a server says it implements, for checks that depend on it (asgi.rst, "Applications",
"Extensions"; www.rst, "Spec Versions"): the HTTP spec version in ``scope["asgi"]["spec_version"]``,
where a missing key means "2.0", and the extensions ``scope["extensions"]`` advertises."""

from __future__ import annotations

from conformance.clients.raw import RawClient
from conformance.probing import fetch_scope

DEFAULT_HTTP_SPEC_VERSION = "2.0"
HTTP_SPEC_VERSIONS = ("2.0", "2.1", "2.2", "2.3", "2.4", "2.5")  # www.rst, "Spec Versions"


def version_tuple(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split("."))
    except ValueError:
        return (0,)


def http_spec_version(client: RawClient) -> str:
    """The HTTP spec version the server advertises (a missing key means "2.0")."""
    scope, _, _ = fetch_scope(client)
    value = (scope.get("asgi") or {}).get("spec_version")
    return value if isinstance(value, str) else DEFAULT_HTTP_SPEC_VERSION


def at_least(version: str, wanted: str) -> bool:
    return version_tuple(version) >= version_tuple(wanted)


def extensions_of(asgi: RawClient) -> object:
    scope, _, _ = fetch_scope(asgi)
    return scope.get("extensions")
