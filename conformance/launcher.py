"""Starting, watching and stopping one real server process.

Rules:
- The server runs in its own process group (its own session), with stdout and stderr captured to
  a log file, so that stopping it means stopping the whole group and its log can be shown.
- Ready means a probe request (GET /ready) answers 200, within a bounded time; a log line is no
  signal (several servers print nothing, pre-fork servers accept TCP before a worker is ready).
- A stop is judged by the process group being gone, never by the exit code.
- If the suite itself dies, the kernel sends the server SIGTERM (PR_SET_PDEATHSIG), so no server
  outlives its run.
"""

from __future__ import annotations

import ctypes
import os
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from pathlib import Path

import probe_apps
from conformance.errors import ServerStartError
from conformance.servers.spec import ServerSpec

PROBE_APPS = {"wsgi": "probe_apps.wsgi_probe:app", "asgi": "probe_apps.asgi_probe:app"}
# The folder that holds the probe_apps package: put on the server's import path.
PROBE_APPS_PARENT = str(Path(probe_apps.__file__).resolve().parent.parent)
LOG_TAIL_LINES = 25
_PR_SET_PDEATHSIG = 1


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in the process group ``pgid``, read from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, process_group = fields[0], int(fields[2])
        if process_group == pgid and state not in ("Z", "X"):
            members.append(int(entry))
    return members


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def probe_ready(host: str, port: int, timeout: float, tls: bool = False, path: str = "/ready") -> bool:
    """True if GET /ready answers with a 200 within ``timeout`` seconds (over TLS, if ``tls``:
    any certificate is accepted, since the suite made it); ``path`` for a server mounted elsewhere."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as plain:
            sock = _unverified_tls().wrap_socket(plain) if tls else plain
            sock.settimeout(timeout)
            sock.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path.encode(), host.encode()))
            head = b""
            while b"\r\n" not in head:
                data = sock.recv(1024)
                if not data:
                    return False
                head += data
            parts = head.split(b"\r\n", 1)[0].split()
            return len(parts) >= 2 and parts[1] == b"200"
    except OSError:
        return False


def _unverified_tls() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class ServerProcess:
    """One launch of a server: start(), then alive()/healthy(), then stop()."""

    def __init__(
        self,
        spec: ServerSpec,
        interface: str,
        *,
        host: str = "127.0.0.1",
        ready_timeout: float = 20.0,
        env: Mapping[str, str] | None = None,
        app: str | None = None,
        log_dir: str | None = None,
        command: str | None = None,
        values: Mapping[str, str] | None = None,
        tls: bool = False,
    ) -> None:
        """``command`` replaces the spec's launch command (a launch variant), with ``values`` for
        its extra placeholders; ``tls`` says the server speaks TLS (for the readiness probe)."""
        self.spec = spec
        self.interface = interface
        self.host = host
        self.ready_timeout = ready_timeout
        self.app = app or PROBE_APPS[interface]
        self.extra_env = dict(env or {})
        self.instance_id = uuid.uuid4().hex[:12]
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"{spec.name}-{interface}-{self.instance_id}.log"
        self.port = 0
        self.command: list[str] = []
        self.process: subprocess.Popen[bytes] | None = None
        self.template = command or spec.command
        self.values = dict(values or {})
        self.tls = tls

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def start(self, attempts: int = 3) -> None:
        """Start on a free port and wait until ready; retry when the port was taken meanwhile."""
        for attempt in range(attempts):
            self.port = free_port(self.host)
            try:
                self._start_once()
                return
            except ServerStartError:
                if attempt + 1 < attempts and self._port_was_taken():
                    continue
                raise

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # The probe apps must be importable, and the server's scripts found next to this Python.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [PROBE_APPS_PARENT, env.get("PYTHONPATH")]))
        env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
        env["PYTHONUNBUFFERED"] = "1"
        env["CONFORMANCE_INSTANCE"] = self.instance_id
        env.update(self.spec.env)
        env.update(self.extra_env)
        return env

    def spawn(self) -> None:
        """Start the process on a free port without waiting for it to be ready: for a check of a
        server that is meant to refuse to start (its app sends lifespan.startup.failed)."""
        self.port = free_port(self.host)
        self._spawn()

    def _start_once(self) -> None:
        self._wait_ready(self._spawn())

    def _spawn(self) -> str:
        filled = self.template.format(
            host=self.host, port=self.port, app=self.app, app_dotted=self.app.replace(":", "."),
            python=shlex.quote(sys.executable), **self.values,
        )
        self.command = shlex.split(filled)
        with open(self.log_path, "wb") as log:
            try:
                self.process = subprocess.Popen(
                    self.command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=self._environment(),
                    cwd=tempfile.gettempdir(),
                    start_new_session=True,
                    preexec_fn=_die_with_parent,
                )
            except OSError as error:
                raise ServerStartError(
                    f"server {self.spec.name!r} could not be started: {error.strerror} "
                    f"({self.command[0]!r}); command: {filled}"
                ) from None
        return filled

    def _wait_ready(self, filled: str) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                self.stop()
                raise ServerStartError(
                    f"server {self.spec.name!r} exited with code {code} before it was ready; "
                    f"command: {filled}\n{self.log_tail()}"
                )
            if probe_ready(self.host, self.port, timeout=1.0, tls=self.tls):
                return
            # a server mounted at a root path (a WSGI server's SCRIPT_NAME) may serve nothing else
            if "root_path" in self.values and probe_ready(self.host, self.port, timeout=1.0, tls=self.tls,
                                                          path=self.values["root_path"] + "/ready"):
                return
            time.sleep(0.02)
        self.stop()
        raise ServerStartError(
            f"server {self.spec.name!r} was not ready (GET /ready answering 200) within "
            f"{self.ready_timeout:g} s; raise --server-timeout if it is just slow; command: {filled}"
            f"\n{self.log_tail()}"
        )

    def _port_was_taken(self) -> bool:
        return "address already in use" in self.log_text().lower()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def healthy(self, timeout: float = 2.0) -> bool:
        return self.alive() and probe_ready(self.host, self.port, timeout, tls=self.tls)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        tail = self.log_text().splitlines()[-lines:]
        header = f"--- last {len(tail)} lines of the server's output ({self.log_path}) ---"
        return "\n".join([header, *tail]) if tail else "(the server printed nothing)"

    def stop(self, grace: float | None = None) -> None:
        """Stop the server as its users do (the stop signal to its main process), wait for the
        whole group to be gone, then SIGKILL whatever is left of the group."""
        if self.process is None:
            return
        pgid = self.process.pid  # the leader of its own session: pgid == pid
        if self.process.poll() is None:
            self.process.send_signal(self.spec.stop_signal)
        else:  # the main process is gone already: whatever is left gets the signal directly
            self._signal_group(pgid, self.spec.stop_signal)
        if not self._wait_group_gone(pgid, self.spec.stop_grace if grace is None else grace):
            self._signal_group(pgid, signal.SIGKILL)
            self._wait_group_gone(pgid, 5.0)

    def _signal_group(self, pgid: int, signum: int) -> None:
        try:
            os.killpg(pgid, signum)
        except ProcessLookupError:
            pass

    def _wait_group_gone(self, pgid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None:
                self.process.poll()  # reap the leader so it does not linger as a zombie
            if not group_members(pgid):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
