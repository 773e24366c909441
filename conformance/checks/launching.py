"""What checks on a server started another way share: the launch-variant gate, the TLS
certificate the tls variant is started with (a CA made here; nothing leaves the machine), and the
TLS instances the checks share.

Rules: a check that only talks to a server over TLS takes the shared TLS instance of its
interface (the ``tls_servers`` fixture), so a run starts one per interface, not one per module. A
check that must stop its TLS server, or start it otherwise, takes a dedicated one:
``dedicated_server(interface, variant="tls", values=files)`` with the ``certificate`` fixture's
files. The fixtures themselves are in conftest.py, so every check module gets the same ones.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from conformance.launcher import ServerProcess
from conformance.servers import ServerSpec

TlsServer = tuple[ServerProcess, trustme.CA]  # a server started by the tls variant, and the CA that trusts it


def needs_variant(spec: ServerSpec, variant: str) -> None:
    if variant not in spec.variants:
        pytest.skip(f"not applicable: the adapter of {spec.name} has no {variant!r} launch variant")


def issue_certificate(folder: Path) -> tuple[trustme.CA, dict[str, str]]:
    """A CA made here and a certificate for 127.0.0.1 in ``folder``: the chain and a PKCS#8 key
    (granian wants it), as the values of the tls launch variant."""
    ca = trustme.CA()
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return ca, {"certfile": str(certfile), "keyfile": str(keyfile)}


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


class TlsServers:
    """The shared TLS instances: one per interface, started by the adapter's tls variant when a
    check first asks for it, started again if it has died since (as the shared plain instance
    is), and stopped by ``close()`` at the end of the run."""

    def __init__(self, start: Callable[..., contextlib.AbstractContextManager[ServerProcess]], spec: ServerSpec,
                 certificate: tuple[trustme.CA, dict[str, str]]) -> None:
        self._start, self._spec = start, spec
        self.ca, self._files = certificate
        self._running: dict[str, tuple[ServerProcess, contextlib.ExitStack]] = {}

    def server(self, interface: str) -> TlsServer:
        """The TLS instance for ``interface``; not applicable (skipped) without a tls variant."""
        needs_variant(self._spec, "tls")
        current = self._running.get(interface)
        if current is None or not current[0].alive():
            self._stop(interface)
            stack = contextlib.ExitStack()
            server = stack.enter_context(self._start(interface, variant="tls", values=self._files))
            self._running[interface] = server, stack
        return self._running[interface][0], self.ca

    def _stop(self, interface: str) -> None:
        if interface in self._running:
            self._running.pop(interface)[1].close()

    def close(self) -> None:
        for interface in list(self._running):
            self._stop(interface)
