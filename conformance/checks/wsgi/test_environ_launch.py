"""PEP 3333, environ, on a server started another way: with marker variables in its OS
environment, mounted at a prefix (the adapter's root_path launch variant: SCRIPT_NAME), and over
TLS (its tls variant: wsgi.url_scheme, HTTPS=on).

Each is a dedicated instance, but for TLS: the TLS instance the checks share
(conformance/checks/launching.py). A server whose adapter has no such launch variant is reported
not applicable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conformance.checks.launching import needs_variant
from conformance.clients.raw import RawClient
from conformance.probe_data import revive
from conformance.servers import ServerSpec
from conformance.verify import verify

MOUNT = "/mnt/probe"


@pytest.mark.requirement("WSGI-ENV-094")
def test_whether_os_variables_are_copied_is_reported(os_marked_environ: dict[str, Any],
                                                     observe: Callable[[str], None]) -> None:
    value = os_marked_environ.get("PROBE_OS_MARKER")
    observe("the server's OS environment is " + ("copied into the environ" if value == "os-marker" else
                                                "not copied into the environ"))


# --- mounted at a prefix ----------------------------------------------------------------------

def answer(client: RawClient, target: str) -> tuple[dict[str, Any] | None, int]:
    response = client.request("GET", target)
    if response.status != 200 or not response.body.startswith(b"{"):
        return None, response.status
    return {key: revive(value) for key, value in response.json()["environ"].items()}, response.status


@pytest.fixture(scope="module")
def mounted(dedicated_server: Callable, server_spec: ServerSpec) -> Iterator[RawClient]:
    """A client of a dedicated instance started mounted at MOUNT."""
    needs_variant(server_spec, "root_path")
    with dedicated_server("wsgi", variant="root_path", values={"root_path": MOUNT}) as server:
        yield RawClient(server.host, server.port)


def split(environ: dict[str, Any]) -> tuple[str, str]:
    return environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")


@pytest.mark.requirement("WSGI-ENV-022")
def test_script_name_is_the_mount_point(mounted: RawClient) -> None:
    target = f"{MOUNT}/environ/x"
    environ, status = answer(mounted, target)
    got = split(environ) if environ else None
    verify(got == (MOUNT, "/environ/x"), sent=f"GET {target} to a server mounted at {MOUNT}",
           expected=f"SCRIPT_NAME {MOUNT!r}, PATH_INFO '/environ/x'",
           got=f"SCRIPT_NAME {got[0]!r}, PATH_INFO {got[1]!r}" if got else f"status {status}")


@pytest.mark.requirement("WSGI-ENV-022")
def test_the_mount_point_ends_at_a_segment_boundary(mounted: RawClient) -> None:
    """GET {MOUNT}x: a path that only starts with the mount point's characters."""
    target = f"{MOUNT}x?scenario=environ"
    environ, status = answer(mounted, target)
    if environ is None:
        return  # not the app's: the server answered it itself (404, say)
    script_name, path_info = split(environ)
    verify(script_name + path_info == f"{MOUNT}x" and script_name != MOUNT,
           sent=f"GET {target} to a server mounted at {MOUNT}",
           expected=f"not served by the app, or SCRIPT_NAME + PATH_INFO == {MOUNT + 'x'!r} without SCRIPT_NAME "
                    f"{MOUNT!r} (a PATH_INFO of 'x' is no path segment)",
           got=f"SCRIPT_NAME {script_name!r}, PATH_INFO {path_info!r}")


@pytest.mark.requirement("WSGI-ENV-030")
def test_the_mount_point_itself_is_reported(mounted: RawClient, observe: Callable[[str], None]) -> None:
    environ, status = answer(mounted, f"{MOUNT}?scenario=environ")
    if environ is None:
        observe(f"a request for the mount point itself ({MOUNT}) was answered by the server: {status}")
        return
    script_name, path_info = split(environ)
    observe(f"GET {MOUNT}: SCRIPT_NAME {script_name!r}, PATH_INFO "
            + (repr(path_info) if "PATH_INFO" in environ else "absent"))


# --- over TLS -----------------------------------------------------------------------------------


@pytest.mark.requirement("WSGI-ENV-092")
def test_https_is_on_over_tls(tls_environ: dict[str, Any], observe: Callable[[str], None]) -> None:
    # (an SSL_ variable the server inherited from the suite's own environment is no Apache one)
    ssl_keys = sorted(key for key, value in tls_environ.items()
                      if key.startswith("SSL_") and os.environ.get(key) != value)
    observe(f"over TLS: SSL_* variables {', '.join(ssl_keys) or 'none'}")
    value = tls_environ.get("HTTPS")
    verify(isinstance(value, str) and value.lower() in ("on", "1"), sent="GET /environ over TLS",
           expected="HTTPS 'on' (or '1')", got=f"HTTPS {value!r}" if "HTTPS" in tls_environ else "no HTTPS")
