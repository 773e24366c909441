"""What checks on a server started another way share: the launch-variant gate and the TLS
certificate the tls variant is started with (a CA made here; nothing leaves the machine).

The ``certificate`` fixture itself is in conftest.py, so every check module gets the same one.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from conformance.servers import ServerSpec


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
