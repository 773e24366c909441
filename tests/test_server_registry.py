"""The server registry: placeholders an adapter may use, launch variants derived from options,
install hints derived from extras, and servers that cannot be installed here."""

from __future__ import annotations

import dataclasses
import email.message
import importlib.metadata
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.errors import BadServerCommand, ServerNotInstalled, ServerStartError
from conformance.launcher import ServerProcess
from conformance.servers import ServerSpec, all_servers, lookup
from conformance.servers import spec as spec_module
from conformance.servers.builtin import BUILTIN_SERVERS
from tests.suite_runner import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


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


def test_every_builtin_servers_extra_is_one_pyproject_declares() -> None:
    """A renamed extra would leave hints naming one pip does not know: it warns, and installs no server."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = set(pyproject["project"]["optional-dependencies"])
    for spec in BUILTIN_SERVERS:
        named = set(re.findall(r"python-server-conformance\[([^]]+)\]", spec.install_hint))
        if spec.extra:
            named.add(spec.extra)
        assert named <= declared, f"{spec.name}: extra {sorted(named - declared)} is not in pyproject.toml"


SOME_SERVER = ServerSpec(name="s", interfaces=frozenset({"wsgi"}), command="serve {port} {app}", install_hint="-")


def _spec(command: str, **fields: Any) -> ServerSpec:
    return dataclasses.replace(SOME_SERVER, command=command, **fields)


def test_variant_options_go_right_before_the_app() -> None:
    spec = _spec("serve --port {port} {app}", variant_options={"root_path": "--prefix {root_path}"},
                 variants={"tls": "serve --tls {port} {app} {certfile} {keyfile}"})
    assert spec.variants == {"tls": "serve --tls {port} {app} {certfile} {keyfile}",
                             "root_path": "serve --port {port} --prefix {root_path} {app}"}


def test_variant_options_go_right_after_the_app_for_a_script_that_takes_it_first() -> None:
    spec = _spec("serve {port} {app}", variant_options={"tls": "{certfile} {keyfile}"}, options_after_app=True)
    assert spec.variants == {"tls": "serve {port} {app} {certfile} {keyfile}"}


def test_variant_options_need_a_command_that_ends_with_the_app() -> None:
    with pytest.raises(BadServerCommand, match="ends with '--strict'; write the variant's whole command"):
        _spec("serve {port} --module {app} --strict", variant_options={"root_path": "--mount {root_path}"})


def test_another_command_derives_its_variants_anew() -> None:
    spec = dataclasses.replace(_spec("old {port} {app}", variant_options={"workers": "-w {workers}"}),
                               command="new {port} {app}")
    assert spec.variants == {"workers": "new {port} -w {workers} {app}"}


@pytest.fixture
def extras_read_anew() -> Iterator[None]:
    spec_module._extras.cache_clear()
    yield
    spec_module._extras.cache_clear()


def test_a_hint_from_an_extra_names_what_the_extra_installs(monkeypatch: pytest.MonkeyPatch,
                                                            extras_read_anew: None) -> None:
    metadata = email.message.Message()
    for extra in ("plain", "with-extras"):
        metadata["Provides-Extra"] = extra
    monkeypatch.setattr(importlib.metadata, "metadata", lambda name: metadata)
    monkeypatch.setattr(importlib.metadata, "requires", lambda name: [
        "pytest>=8", "server; extra == 'plain'",
        'server[fast]; extra == "with-extras"', "helper; extra == 'with-extras'",
    ])
    assert _spec("s {port}", install_hint="", extra="with-extras").install_hint == (
        "pip install 'python-server-conformance[with-extras]' (or: pip install 'server[fast]' helper)"
    )
    assert _spec("s {port}", install_hint="", extra="plain").install_hint == (
        "pip install 'python-server-conformance[plain]' (or: pip install server)"
    )


def test_without_the_suites_metadata_a_hint_names_the_extra_only(monkeypatch: pytest.MonkeyPatch,
                                                                 extras_read_anew: None) -> None:
    def not_installed(name: str) -> None:
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, "metadata", not_installed)
    assert _spec("s {port}", install_hint="", extra="uvicorn").install_hint == (
        "pip install 'python-server-conformance[uvicorn]'"
    )


def test_a_server_needs_an_install_hint_or_an_extra() -> None:
    with pytest.raises(BadServerCommand, match="no install_hint, and no extra"):
        _spec("s {port}", install_hint="")
