"""The launcher's parts: free ports, process groups read from /proc, and a server's start and stop
leaving nothing behind."""

from __future__ import annotations

import dataclasses
import os
import shlex
import signal
import socket
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from conformance.clients.raw import RawClient
from conformance.errors import ServerStartError
from conformance.launcher import ServerProcess, free_port, group_members
from conformance.servers import ServerSpec, lookup

WAIT = 10  # seconds: the bound on anything these tests wait for


def wait_until_no_members(pgid: int, timeout: float = WAIT) -> list[int]:
    deadline = time.monotonic() + timeout
    while (members := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return members


def test_a_free_port_can_be_bound() -> None:
    port = free_port("127.0.0.1")
    assert 0 < port < 65536
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_group_members_are_the_live_processes_of_a_group() -> None:
    assert os.getpid() in group_members(os.getpgrp())
    leader = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert group_members(leader.pid) == [leader.pid]
    finally:
        leader.kill()
        leader.wait(timeout=WAIT)
    assert group_members(leader.pid) == []


def test_group_members_leave_out_zombies() -> None:
    leader = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        os.kill(leader.pid, signal.SIGKILL)
        # Not reaped yet: the process is a zombie, still listed in /proc, but no longer a member.
        assert wait_until_no_members(leader.pid) == []
        assert Path(f"/proc/{leader.pid}").exists()
    finally:
        leader.kill()
        leader.wait(timeout=WAIT)


def test_wsgiref_starts_answers_and_stops_leaving_no_group_member(tmp_path: Path) -> None:
    server = ServerProcess(lookup("wsgiref"), "wsgi", ready_timeout=WAIT, log_dir=str(tmp_path))
    server.start()
    try:
        pid = server.pid
        assert group_members(pid) == [pid]
        assert RawClient(server.host, server.port).request("GET", "/ready").status == 200
        assert server.healthy()
    finally:
        server.stop()
    assert not server.alive()
    assert group_members(pid) == []


# A server that ignores its stop signal and has a child in its process group.
STUBBORN_SERVER = """\
import signal
import subprocess
import sys
from wsgiref.simple_server import make_server

from probe_apps.wsgi_probe import app

signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen(["sleep", "60"])
make_server(sys.argv[1], int(sys.argv[2]), app).serve_forever()
"""


def test_a_server_that_ignores_its_stop_signal_is_killed_with_its_whole_group(tmp_path: Path) -> None:
    script = tmp_path / "stubborn.py"
    script.write_text(textwrap.dedent(STUBBORN_SERVER))
    spec = ServerSpec(
        name="stubborn",
        interfaces=frozenset({"wsgi"}),
        command=f"{{python}} {shlex.quote(str(script))} {{host}} {{port}}",
        install_hint="(a test server)",
        stop_grace=0.3,
    )
    server = ServerProcess(spec, "wsgi", ready_timeout=WAIT, log_dir=str(tmp_path))
    server.start()
    pid = server.pid
    try:
        assert len(group_members(pid)) == 2  # the server and its child
    finally:
        started = time.monotonic()
        server.stop()
        took = time.monotonic() - started
    assert group_members(pid) == []
    assert spec.stop_grace <= took < spec.stop_grace + 5


def test_a_server_that_exits_at_once_is_a_start_error_with_its_output(tmp_path: Path) -> None:
    spec = dataclasses.replace(
        lookup("wsgiref"), name="quitter", command="{python} -c 'print(\"going\"); raise SystemExit(3)' {port}"
    )
    server = ServerProcess(spec, "wsgi", ready_timeout=WAIT, log_dir=str(tmp_path))
    with pytest.raises(ServerStartError) as raised:
        server.start()
    message = str(raised.value)
    assert "'quitter' exited with code 3 before it was ready" in message
    assert message.splitlines()[-1] == "going"  # the log tail, not the command
    assert group_members(server.pid) == []
