"""After a plain (not editable) ``pip install``, ``pytest --server=NAME`` works from any folder:
the checks, the catalogue and the probe apps ship inside the installed distribution."""

from __future__ import annotations

import subprocess
import venv
from pathlib import Path

from tests.suite_runner import REPO


def test_the_installed_package_checks_a_server_from_any_folder(tmp_path: Path) -> None:
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [str(python), "-m", "pytest", "--server=wsgiref", "-q", "-p", "no:cacheprovider"],
        cwd=elsewhere, capture_output=True, text=True, timeout=300,
    )
    # 0 or 1: wsgiref conforms or the checks found where it does not; anything else is the harness.
    assert run.returncode in (0, 1), run.stdout + run.stderr
    assert "wsgiref" in run.stdout and " passed" in run.stdout
    servers = subprocess.run([str(environment / "bin" / "conformance"), "servers"],
                             capture_output=True, text=True, timeout=60)
    assert servers.returncode == 0 and "wsgiref" in servers.stdout, servers.stdout + servers.stderr
