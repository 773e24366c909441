"""Serve a WSGI app with Apache and mod_wsgi, through ``mod_wsgi-express start-server``.

Usage: python -m conformance.servers.scripts.mod_wsgi_serve HOST PORT MODULE:ATTRIBUTE [OPTION...]

mod_wsgi-express serves a script *file*, in Apache daemon processes that run as www-data, with
the Python mod_wsgi was built for: Debian's, in a venv of its own (``MOD_WSGI_EXPRESS`` in
servers/builtin.py; root's own Python lives where www-data cannot read it). So this script writes
that file into a folder www-data can read: it sets up the import path, hands on the suite's
``CONFORMANCE_*`` variables (the recorder's address among them: Apache does not pass its
environment on to the app) and names the app. Then it runs mod_wsgi-express, passes SIGTERM on to
it, and removes the folder when Apache is gone.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from conformance.servers.builtin import MOD_WSGI_EXPRESS

SCRIPT = """\
import os, sys
sys.path[:0] = {path!r}
os.environ.update({env!r})
from {module} import {attribute} as application
"""


def main(host: str, port: str, app_path: str, *options: str) -> int:
    """``options`` go to mod_wsgi-express start-server as they are (--mount-point PATH, say)."""
    module, _, attribute = app_path.partition(":")
    folder = tempfile.mkdtemp(prefix="conformance-mod-wsgi-")
    os.chmod(folder, 0o755)
    script = os.path.join(folder, "app.wsgi")
    path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env = {k: v for k, v in os.environ.items() if k.startswith("CONFORMANCE_")}
    with open(script, "w") as file:
        file.write(SCRIPT.format(path=path, env=env, module=module, attribute=attribute or "application"))
    os.chmod(script, 0o644)
    command = [
        MOD_WSGI_EXPRESS, "start-server", script, "--host", host, "--port", port,
        "--server-root", os.path.join(folder, "apache"), "--user", "www-data", "--group", "www-data",
        "--locale", "C.UTF-8", "--log-to-terminal", *options,
    ]
    apache = subprocess.Popen(command)
    signal.signal(signal.SIGTERM, lambda signum, frame: apache.send_signal(signal.SIGTERM))
    try:
        return apache.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
