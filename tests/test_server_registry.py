"""The server registry: placeholders an adapter may use, and servers that cannot be installed here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conformance.errors import ServerNotInstalled, ServerStartError
from conformance.launcher import ServerProcess
from conformance.servers import all_servers, lookup


def test_a_server_that_cannot_be_installed_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    gone = dataclasses.replace(lookup("wsgiref"), name="gone", unavailable="its worker was removed in 2.0")
    monkeypatch.setattr("conformance.servers.all_servers", lambda: {"gone": gone})
    assert not gone.is_installed()
    with pytest.raises(ServerNotInstalled, match="cannot be installed on this platform: its worker was removed"):
        lookup("gone")


def test_every_unavailable_server_gives_its_reason_as_install_hint() -> None:
    for spec in all_servers().values():
        if spec.unavailable:
            assert spec.unavailable in spec.install_hint, spec.name


def test_app_dotted_names_the_probe_as_module_dot_attribute(tmp_path: Path) -> None:
    spec = dataclasses.replace(lookup("wsgiref"), command="{python} -c pass {port} {app_dotted}")
    server = ServerProcess(spec, "wsgi", log_dir=str(tmp_path))
    with pytest.raises(ServerStartError):  # it exits at once: only the filled-in command matters here
        server.start(attempts=1)
    assert server.command[-1] == "probe_apps.wsgi_probe.app"


def test_a_server_whose_program_is_missing_is_not_installed(tmp_path: Path) -> None:
    program = tmp_path / "serve"
    spec = dataclasses.replace(lookup("wsgiref"), program=str(program))
    assert not spec.is_installed()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    assert spec.is_installed()


def test_a_server_in_an_environment_of_its_own_has_that_environments_version(tmp_path: Path) -> None:
    """mod_wsgi's way: the program in another venv, its distribution installed there, not here."""
    program = tmp_path / "bin" / "serve"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    metadata = tmp_path / "lib" / "python3.11" / "site-packages" / "Elsewhere_Server-4.5.6.dist-info" / "METADATA"
    metadata.parent.mkdir(parents=True)
    metadata.write_text("Metadata-Version: 2.1\nName: Elsewhere_Server\nVersion: 4.5.6\n")
    spec = dataclasses.replace(lookup("wsgiref"), stdlib=False, program=str(program), distribution="elsewhere-server")
    assert spec.version() == "4.5.6"
    assert dataclasses.replace(spec, distribution="another-server").version() is None
