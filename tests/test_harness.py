"""The harness keeps its promises: each test runs the suite as its users do (``python -m pytest``
in a subprocess, against real servers) and reads its exit code, its output and its results JSON.

What belongs here: set-up errors shown as one line, a server that will not start or dies stopping
the run or one check only, no process outliving a run, the recorder across worker processes, one
shared server per run. Unit tests of the parts live in test_launcher.py and test_recorder.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conformance.checks.launching import TlsServers
from conformance.errors import EXIT_HARNESS_ERROR
from conformance.launcher import group_members
from conformance.servers import all_servers
from tests.suite_runner import CHECKS_DIR, REPO, SuiteRun, run_suite

# A run is a few seconds; the timeout only keeps a broken harness from hanging the project's tests.
RUN_TIMEOUT = 60
GUNICORN_2_WORKERS = (
    "--server-cmd=gunicorn --no-control-socket --bind {host}:{port} --workers 2 --worker-class sync {app}"
)
# A set-up error is a usage error (pytest's code 4) or a harness error (6), never a test failure (1).
SETUP_ERROR_CODES = (pytest.ExitCode.USAGE_ERROR, EXIT_HARNESS_ERROR)


def lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def launches(run: SuiteRun) -> list[dict[str, Any]]:
    assert run.results is not None, f"no results JSON; output:\n{run.output[-4000:]}"
    return run.results["harness"]["launches"]


def survivors(pgids: Iterable[int]) -> dict[int, list[int]]:
    """Process group -> its live members, for every group that still has some."""
    return {pgid: members for pgid in pgids if (members := group_members(pgid))}


def processes_with_argument(marker: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if marker.encode() in argv and state not in ("Z", "X"):
            found.append(int(entry))
    return found


def write_checks(tmp_path: Path, source: str, name: str = "check_harness.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


# --- set-up errors: one line, no traceback --------------------------------------------------------


def test_an_unknown_server_is_one_line_naming_the_known_ones(tmp_path: Path) -> None:
    run = run_suite(["--server=nosuch"], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode in SETUP_ERROR_CODES, run.output
    assert "Traceback" not in run.output
    [line] = lines(run.output)
    assert "'nosuch'" in line
    for name in all_servers():
        assert name in line


# A server registered through the ``conformance.servers`` entry-point group whose module is not
# installed: a distribution's metadata folder in the run's working directory, which ``python -m``
# puts on sys.path. Nothing gets installed.
GHOST_SERVER = """\
from conformance.servers import ServerSpec

SPEC = ServerSpec(
    name="ghost",
    interfaces=frozenset({"wsgi"}),
    command="ghost-serve --port {port} {app}",
    module="ghost_server_module_that_is_not_installed",
    install_hint="pip install ghost-server-for-the-harness-test",
)
"""


def add_ghost_server(directory: Path) -> None:
    (directory / "ghost_server.py").write_text(GHOST_SERVER)
    dist_info = directory / "ghost_server-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: ghost-server\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text("[conformance.servers]\nghost = ghost_server:SPEC\n")


def test_a_server_that_is_not_installed_is_one_line_with_the_install_command(tmp_path: Path) -> None:
    add_ghost_server(tmp_path)
    unknown = run_suite(["--server=nosuch"], tmp_path, timeout=RUN_TIMEOUT)
    assert "ghost" in lines(unknown.output)[0], unknown.output  # the registry sees the entry point

    run = run_suite(["--server=ghost"], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode in SETUP_ERROR_CODES, run.output
    assert "Traceback" not in run.output
    [line] = lines(run.output)
    assert "'ghost' is not installed" in line
    assert "pip install ghost-server-for-the-harness-test" in line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--server-cmd=ghost-serve --bind 127.0.0.1", "--interface=wsgi"], "no {port} placeholder"),
        (["--server-cmd=ghost-serve --bind {host}:{port} {sockett}", "--interface=wsgi"],
         "unknown placeholder(s) {sockett}"),
        (["--server-cmd=ghost-serve --bind {host}:{port} {app}"], "--server-cmd needs --interface"),
        (["--server=wsgiref", "--interface=wsgi"], "--interface only goes with --server-cmd"),
    ],
    ids=["no-port", "unknown-placeholder", "no-interface", "interface-without-server-cmd"],
)
def test_a_bad_server_command_is_one_line_saying_what_is_wrong(args: list[str], says: str, tmp_path: Path) -> None:
    run = run_suite(args, tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode in SETUP_ERROR_CODES, run.output
    assert "Traceback" not in run.output
    [line] = lines(run.output)
    assert says in line


# --- a server that will not start stops the run ---------------------------------------------------


def test_a_server_that_exits_at_once_stops_the_run_with_its_exit_code_and_output(tmp_path: Path) -> None:
    # The output is built at run time, so finding it in the message proves the log was shown,
    # not just the command.
    command = "{python} -c 'import sys; print(\"bo\" + \"om\"); sys.exit(3)' {port}"
    run = run_suite([f"--server-cmd={command}", "--interface=wsgi"], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == EXIT_HARNESS_ERROR, run.output
    assert "Traceback" not in run.output
    assert "exited with code 3 before it was ready" in run.output
    assert "boom" in run.output


def test_a_server_that_never_gets_ready_stops_the_run_after_the_server_timeout(tmp_path: Path) -> None:
    marker = f"never-ready-{uuid.uuid4().hex}"
    command = f"{{python}} -c 'import time; time.sleep(60)' {{port}} {marker}"
    started = time.monotonic()
    run = run_suite([f"--server-cmd={command}", "--interface=wsgi", "--server-timeout=1"], tmp_path,
                    timeout=RUN_TIMEOUT)
    elapsed = time.monotonic() - started
    assert run.returncode == EXIT_HARNESS_ERROR, run.output
    assert "Traceback" not in run.output
    assert "was not ready (GET /ready answering 200) within 1 s" in run.output
    assert elapsed < 10, f"the run took {elapsed:.1f} s with --server-timeout=1"
    assert processes_with_argument(marker) == []


# --- a server that dies or stops answering fails one check; the next one gets a fresh server -------

CRASH_CHECKS = """\
import pytest

from conformance.clients.raw import RawClient


@pytest.mark.requirement("{requirement}")
def test_crash({fixture}):
    client = RawClient({fixture}.host, {fixture}.port, timeout=5)
    client.request("GET", "{target}")  # a line in the server's log, to find in the failure
    client.request("GET", "/crash")


@pytest.mark.requirement("{requirement}")
def test_after_crash({fixture}):
    assert RawClient({fixture}.host, {fixture}.port, timeout=5).request("GET", "{target}").status == 200
"""


def assert_fresh_server_after_first_check(run: SuiteRun, path: str) -> list[dict[str, Any]]:
    name = Path(path).name
    assert f"FAILED {name}::test_" in run.output
    assert f"PASSED {name}::test_after_" in run.output
    shared = [launch for launch in launches(run) if not launch["dedicated"]]
    assert len(shared) == 2, shared
    assert shared[0]["pid"] != shared[1]["pid"]
    return shared


@pytest.mark.parametrize(
    ("server", "fixture", "requirement", "target"),
    [("wsgiref", "wsgi_server", "WSGI-ENV-001", "/environ"),
     ("uvicorn", "asgi_server", "ASGI-HTTP-SCOPE-001", "/scope")],
)
def test_a_check_that_kills_the_server_fails_with_its_log_and_the_next_gets_a_fresh_one(
    server: str, fixture: str, requirement: str, target: str, tmp_path: Path
) -> None:
    path = write_checks(tmp_path, CRASH_CHECKS.format(fixture=fixture, requirement=requirement, target=target))
    run = run_suite([f"--server={server}", "-rA", path], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "the server died during this check (exit code -9)" in run.output
    assert f'"GET {target} HTTP/1.1" 200' in run.output  # the log tail
    shared = assert_fresh_server_after_first_check(run, path)
    assert survivors(launch["pid"] for launch in shared) == {}
    # The results document has it too, after what the check got.
    (crash,) = [c for row in run.results["requirements"] for c in row["checks"] if c["nodeid"].endswith("::test_crash")]
    assert "the server died during this check (exit code -9)" in crash["failure"]["got"]
    assert f'"GET {target} HTTP/1.1" 200' in crash["failure"]["got"]


HANG_CHECKS = """\
import pytest

from conformance.clients.raw import RawClient


@pytest.mark.requirement("WSGI-ENV-001")
def test_hang(wsgi_server):
    RawClient(wsgi_server.host, wsgi_server.port, timeout=5).request("GET", "/environ?before-hang")
    RawClient(wsgi_server.host, wsgi_server.port, timeout=0.5).request("GET", "/hang?seconds=30")


@pytest.mark.requirement("WSGI-ENV-001")
def test_after_hang(wsgi_server):
    assert RawClient(wsgi_server.host, wsgi_server.port, timeout=5).request("GET", "/environ").status == 200
"""


def test_a_server_that_stops_answering_fails_the_check_and_the_next_gets_a_fresh_one(tmp_path: Path) -> None:
    path = write_checks(tmp_path, HANG_CHECKS)
    run = run_suite(["--server=wsgiref", "-rA", path], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.output
    assert "the server stopped answering; the next check gets a fresh one" in run.output
    assert '"GET /environ?before-hang HTTP/1.1" 200' in run.output  # the log tail
    shared = assert_fresh_server_after_first_check(run, path)
    assert survivors(launch["pid"] for launch in shared) == {}


def test_a_server_that_stops_answering_in_an_expected_failure_is_replaced_too(tmp_path: Path) -> None:
    path = write_checks(tmp_path, HANG_CHECKS.replace('requirement("WSGI-ENV-001")\ndef test_after_hang',
                                                      'requirement("WSGI-ENV-002")\ndef test_after_hang'))
    expect = tmp_path / "expect.toml"
    expect.write_text('[WSGI-ENV-001]\nreason = "the probe hangs on purpose"\n')
    run = run_suite(["--server=wsgiref", "-rA", f"--expect={expect}", path], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == pytest.ExitCode.OK, run.output
    assert f"PASSED {Path(path).name}::test_after_hang" in run.output
    shared = [launch for launch in launches(run) if not launch["dedicated"]]
    assert len(shared) == 2 and shared[0]["pid"] != shared[1]["pid"], shared


class FakeTlsServer:
    """What TlsServers asks of a server: whether it is alive."""

    def __init__(self, interface: str) -> None:
        self.interface, self.running = interface, True

    def alive(self) -> bool:
        return self.running


def test_the_shared_tls_server_is_one_per_interface_fresh_once_dead_and_stopped_at_the_end() -> None:
    started: list[FakeTlsServer] = []

    @contextlib.contextmanager
    def start(interface: str, *, variant: str, values: dict[str, str]) -> Iterator[FakeTlsServer]:
        assert variant == "tls" and values == {"certfile": "c", "keyfile": "k"}
        server = FakeTlsServer(interface)
        started.append(server)
        try:
            yield server
        finally:
            server.running = False

    spec = SimpleNamespace(name="fake", variants={"tls": "serve --tls"})
    servers = TlsServers(start, spec, (SimpleNamespace(), {"certfile": "c", "keyfile": "k"}))  # type: ignore[arg-type]
    first, ca = servers.server("asgi")
    assert servers.server("asgi")[0] is first and servers.server("asgi")[1] is ca
    wsgi = servers.server("wsgi")[0]
    assert len(started) == 2 and wsgi is not first
    first.running = False  # a check killed it: the next one asking gets a fresh one
    fresh = servers.server("asgi")[0]
    assert fresh is not first and fresh.alive() and len(started) == 3
    servers.close()
    assert not any(server.alive() for server in started)
    with pytest.raises(pytest.skip.Exception, match="no 'tls' launch variant"):
        TlsServers(start, SimpleNamespace(name="plain", variants={}), (SimpleNamespace(), {})).server("asgi")  # type: ignore[arg-type]


# --- whole runs, each read by several tests ---------------------------------------------------------

RECORD_FROM_WORKERS = """\
import time

import pytest

from conformance.clients.raw import RawClient
from conformance.recorder import TOKEN_HEADER


@pytest.mark.requirement("WSGI-ENV-001")
def test_records_from_every_worker(wsgi_server, recorder):
    token = recorder.new_token()
    client = RawClient(wsgi_server.host, wsgi_server.port, timeout=5)
    answered_by = set()
    sent = 0
    # The second worker may boot a little after the server answered its first request.
    deadline = time.monotonic() + 10
    while len(answered_by) < 2 and sent < 2000 and time.monotonic() < deadline:
        response = client.request("GET", "/record?event=hit", [(TOKEN_HEADER, token)])
        assert response.status == 200
        answered_by.add(int(response.header("X-Probe-Pid")))
        sent += 1
    records = recorder.wait_for(token, "hit", timeout=5, count=sent)
    assert len(records) == sent
    assert {record.pid for record in records} == answered_by
    assert len(answered_by) == 2, f"{sent} requests were all answered by {answered_by}"
"""


@pytest.fixture(scope="module")
def uvicorn_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The shipped checks against uvicorn."""
    return run_suite(["--server=uvicorn"], tmp_path_factory.mktemp("uvicorn"), timeout=RUN_TIMEOUT)


@pytest.fixture(scope="module")
def gunicorn_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """The shipped checks against gunicorn with two workers, plus a check that the recorder hears
    from both workers (one run for both keeps the project's tests fast)."""
    directory = tmp_path_factory.mktemp("gunicorn")
    path = write_checks(directory, RECORD_FROM_WORKERS)
    return run_suite([GUNICORN_2_WORKERS, "--interface=wsgi", "-rA", str(CHECKS_DIR), path], directory,
                     timeout=RUN_TIMEOUT)


# --- no process outlives its run --------------------------------------------------------------------


@pytest.mark.parametrize("run_name", ["uvicorn_run", "gunicorn_run"])
def test_a_run_leaves_no_process(run_name: str, request: pytest.FixtureRequest) -> None:
    run: SuiteRun = request.getfixturevalue(run_name)
    assert run.returncode in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED), run.output[-4000:]
    pgids = [launch["pid"] for launch in launches(run)]
    assert pgids
    assert survivors(pgids) == {}


WAIT_TO_BE_KILLED = """\
import os
import time
from pathlib import Path

import pytest


@pytest.mark.requirement("WSGI-ENV-001")
def test_wait_to_be_killed(wsgi_server):
    path = Path(os.environ["HARNESS_TEST_PID_FILE"])
    path.with_suffix(".tmp").write_text(str(wsgi_server.pid))
    path.with_suffix(".tmp").rename(path)
    time.sleep(60)
"""


@pytest.mark.parametrize("server_args", [["--server=wsgiref"], [GUNICORN_2_WORKERS, "--interface=wsgi"]],
                         ids=["wsgiref", "gunicorn-2-workers"])
def test_a_server_dies_with_a_run_that_is_killed(server_args: list[str], tmp_path: Path) -> None:
    path = write_checks(tmp_path, WAIT_TO_BE_KILLED)
    pid_file = tmp_path / "server.pid"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["HARNESS_TEST_PID_FILE"] = str(pid_file)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    suite = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *server_args, path],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while not pid_file.exists() and suite.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert pid_file.exists(), suite.communicate(timeout=RUN_TIMEOUT)[0].decode(errors="replace")
        server_pid = int(pid_file.read_text())
        assert group_members(server_pid)
        suite.send_signal(signal.SIGKILL)
        suite.wait(timeout=RUN_TIMEOUT)
        # The kernel sends the server SIGTERM when its parent dies; it then stops as usual.
        deadline = time.monotonic() + 5
        while group_members(server_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert survivors([server_pid]) == {}
    finally:
        if suite.poll() is None:
            suite.kill()
        suite.communicate(timeout=RUN_TIMEOUT)


# --- the recorder and the shared server ---------------------------------------------------------------


def test_the_recorder_collects_records_from_every_worker_process(gunicorn_run: SuiteRun) -> None:
    outcome = [line for line in lines(gunicorn_run.output) if "::test_records_from_every_worker" in line]
    assert outcome and outcome[0].startswith("PASSED"), gunicorn_run.output[-4000:]


def test_a_run_starts_the_shared_server_once(uvicorn_run: SuiteRun) -> None:
    asgi = [launch for launch in launches(uvicorn_run) if launch["interface"] == "asgi"]
    shared = [launch for launch in asgi if not launch["dedicated"]]
    assert len(shared) == 1, asgi


# --- a check's own error: no verdict, never the server's failure ----------------------------------

ERROR_CHECKS = """
import socket

import pytest

from conformance.clients.raw import RawClient


@pytest.mark.requirement("WSGI-ENV-001")
def test_a_bug_of_the_check(wsgi_server):
    RawClient(wsgi_server.host, wsgi_server.port, timeout=5).request("GET", "/environ")
    {}["a key the check got wrong"]


@pytest.mark.requirement("WSGI-ENV-002")
def test_a_reset_by_the_server(wsgi_server):
    raise ConnectionResetError(104, "Connection reset by peer")


@pytest.mark.requirement("WSGI-ENV-010")
def test_a_pass(wsgi_server):
    assert RawClient(wsgi_server.host, wsgi_server.port, timeout=5).request("GET", "/environ").status == 200
"""


def test_a_check_that_raises_its_own_error_gives_no_verdict_and_the_run_a_harness_error(tmp_path: Path) -> None:
    path = write_checks(tmp_path, ERROR_CHECKS)
    expect = tmp_path / "expect.toml"
    expect.write_text('[WSGI-ENV-001]\nreason = "an expectation never covers an error of the check"\n')
    run = run_suite(["--server=wsgiref", "-rA", f"--expect={expect}", path], tmp_path, timeout=RUN_TIMEOUT)
    assert run.returncode == EXIT_HARNESS_ERROR, run.output
    verdicts = {row["id"]: row["verdict"] for row in run.results["requirements"]}
    assert verdicts == {"WSGI-ENV-001": "error", "WSGI-ENV-002": "fail", "WSGI-ENV-010": "pass"}, verdicts
    assert run.outcomes()[f"{Path(path).name}::test_a_bug_of_the_check"] == "error"
    assert "harness error in this check, so no verdict on the server" in run.output
    assert "KeyError: 'a key the check got wrong'" in run.output
    assert "harness error in a check: no verdict for WSGI-ENV-001" in run.output
    # What the server did (a reset) is a verdict, with what was got.
    reset = next(row for row in run.results["requirements"] if row["id"] == "WSGI-ENV-002")
    assert "ConnectionResetError" in reset["checks"][0]["failure"]["got"], reset
    assert run.results["expectations"]["unexpected"] == ["WSGI-ENV-002"], run.results["expectations"]
