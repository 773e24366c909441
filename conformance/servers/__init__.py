"""The server registry: the built-in adapters plus any registered through the
``conformance.servers`` entry-point group (each entry point names a ServerSpec)."""

from __future__ import annotations

import importlib.metadata

from conformance.errors import HarnessError, ServerNotInstalled, UnknownServer
from conformance.servers.builtin import BUILTIN_SERVERS
from conformance.servers.spec import INTERFACES, ServerSpec, check_command_template

ENTRY_POINT_GROUP = "conformance.servers"

__all__ = ["INTERFACES", "ServerSpec", "all_servers", "custom_server", "lookup", "check_command_template"]


def all_servers() -> dict[str, ServerSpec]:
    servers = {spec.name: spec for spec in BUILTIN_SERVERS}
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            spec = entry_point.load()
        except Exception as error:  # a broken third-party adapter must not take the suite down
            raise HarnessError(
                f"the server adapter {entry_point.name!r} ({entry_point.value}) registered by another "
                f"package could not be loaded: {error}"
            ) from None
        if not isinstance(spec, ServerSpec):
            raise HarnessError(f"the server adapter {entry_point.name!r} ({entry_point.value}) is not a ServerSpec")
        servers[spec.name] = spec
    return servers


def lookup(name: str, *, require_installed: bool = True) -> ServerSpec:
    servers = all_servers()
    if name not in servers:
        raise UnknownServer(
            f"unknown server {name!r}; known servers: {', '.join(sorted(servers))} "
            "(or use --server-cmd=CMD --interface=wsgi|asgi for any other server)"
        )
    spec = servers[name]
    if require_installed and spec.unavailable:
        raise ServerNotInstalled(f"server {name!r} cannot be installed on this platform: {spec.unavailable}")
    if require_installed and not spec.is_installed():
        raise ServerNotInstalled(f"server {name!r} is not installed; install it with: {spec.install_hint}")
    return spec


def custom_server(command: str, interface: str | None, variants: dict[str, str] | None = None) -> ServerSpec:
    check_command_template(command)
    if interface not in INTERFACES:
        raise UnknownServer(
            "--server-cmd needs --interface=wsgi or --interface=asgi, to say which probe app "
            "the command serves"
        )
    return ServerSpec(
        name="custom",
        description=command,
        interfaces=frozenset({interface}),
        command=command,
        install_hint="(a custom command: install it yourself)",
        variants=variants or {},
    )
