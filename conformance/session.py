"""One conformance run: the server under test, its running instances and the recorder.

Rules:
- A server is started once per run (once per xdist worker) and per interface, lazily, when the
  first check that needs it runs; a check that finds it dead gets a fresh one.
- Dedicated instances (for checks that must stop a server, or start it differently) are started
  and stopped by the check itself through ``dedicated()``.
- At the end every instance's process group is stopped.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
from collections.abc import Iterator, Mapping

from conformance.launcher import ServerProcess
from conformance.recorder import Recorder
from conformance.servers import ServerSpec

END_GRACE = 1.0  # seconds each server gets at the run's end, between its stop signal and SIGKILL


class ConformanceRun:
    def __init__(self, spec: ServerSpec, *, ready_timeout: float) -> None:
        self.spec = spec
        self.ready_timeout = ready_timeout
        self._recorder: Recorder | None = None
        self._running: dict[str, ServerProcess] = {}
        self._all: list[ServerProcess] = []
        self._dedicated: set[str] = set()  # instance ids of the dedicated launches
        self.log_dir = tempfile.mkdtemp(prefix=f"conformance-{spec.name}-")
        self.keep_logs = False

    @property
    def recorder(self) -> Recorder:
        if self._recorder is None:
            self._recorder = Recorder()
        return self._recorder

    def _launch(
        self, interface: str, env: Mapping[str, str] | None = None, *, dedicated: bool = False,
        wait_ready: bool = True, variant: str | None = None, values: Mapping[str, str] | None = None,
    ) -> ServerProcess:
        server = ServerProcess(
            self.spec,
            interface,
            ready_timeout=self.ready_timeout,
            env={"CONFORMANCE_RECORDER": self.recorder.address, **(env or {})},
            log_dir=self.log_dir,
            command=self.spec.variants[variant] if variant else None,
            values=values,
            tls=variant == "tls",
        )
        self._all.append(server)
        if dedicated:
            self._dedicated.add(server.instance_id)
        if wait_ready:
            server.start()
        else:
            server.spawn()
        return server

    def server(self, interface: str) -> ServerProcess:
        """The shared instance for ``interface``, started (or restarted) if needed."""
        current = self._running.get(interface)
        if current is None or not current.alive():
            if current is not None:
                current.stop()
            self._running[interface] = self._launch(interface)
        return self._running[interface]

    def discard(self, server: ServerProcess) -> None:
        """Stop an instance that misbehaved; the next check gets a fresh one. It already stopped
        answering, so it gets little time to stop gracefully."""
        server.stop(grace=1.0)
        for interface, running in list(self._running.items()):
            if running is server:
                del self._running[interface]

    @contextlib.contextmanager
    def dedicated(
        self, interface: str, env: Mapping[str, str] | None = None, *, wait_ready: bool = True,
        variant: str | None = None, values: Mapping[str, str] | None = None,
    ) -> Iterator[ServerProcess]:
        """A fresh instance; with ``wait_ready=False`` the check itself watches it start (or not);
        with ``variant``, started by that launch variant of the adapter (``values`` fill its
        placeholders)."""
        server = self._launch(interface, env, dedicated=True, wait_ready=wait_ready, variant=variant, values=values)
        try:
            yield server
        finally:
            server.stop()

    @property
    def launches(self) -> list[ServerProcess]:
        return list(self._all)

    def is_dedicated(self, server: ServerProcess) -> bool:
        return server.instance_id in self._dedicated

    def close(self) -> None:
        # All at once, and briefly: a run's end waits for its slowest server, not for their sum, and
        # no check judges these stops (a shared server may still hold a stuck request of a check).
        stopping = [threading.Thread(target=server.stop, kwargs={"grace": END_GRACE}) for server in self._all]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        self._running.clear()
        if self._recorder is not None:
            self._recorder.close()
        if not self.keep_logs:
            shutil.rmtree(self.log_dir, ignore_errors=True)
