"""Every check passes on a real server that gets it right.

Each reference configuration below conforms to every current check except its known findings
(real violations of the spec, found by this suite), kept as a server author keeps them: an
expectations file in tests/references/, named after the configuration, each entry with its
reason. The run uses it with --expect and is judged by the product's own gate: a new failure, or
a finding that no longer fails (or did not run), fails here. Every check must pass (not be
skipped) on at least one reference, unless it is a finding of one (a requirement that no server
here meets). Together with tests/test_mutants.py this shows each check can both pass and fail.

A finding that went away: a run of the reference's args with
--update-expectations=tests/references/NAME.toml (which reads the file first) drops it. A new
one: add it by hand, keyed by its check, with why (the writer would key it by requirement ID,
which covers that requirement's other checks too, with a placeholder reason)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.configurations import (
    PROBE_WSGI,
    THREADED_WSGI,
    THREADED_WSGI_VARIANTS,
    TWO_PROCESS_WSGI,
    TWO_PROCESS_WSGI_VARIANTS,
)
from tests.suite_runner import CHECKS_DIR, SuiteRun, collected_checks, run_suite

FINDINGS_DIR = Path(__file__).resolve().parent / "references"

# uvicorn serving one of the emulations in tests/emulations/ (the module's app).
EMULATED = "uvicorn --host {{host}} --port {{port}} --http h11 tests.emulations.{emulation}:app"
# The same with uvicorn's h11 protocol noting each TLS connection, for the tls extension's emulation.
TLS_NOTED = EMULATED.replace("h11", "tests.emulations.tls_extension:TlsRecordingH11Protocol")
TLS_NOTED_TLS = TLS_NOTED.replace(" tests.emulations.{emulation}:app",
                                  " --ssl-certfile {{certfile}} --ssl-keyfile {{keyfile}} "
                                  "tests.emulations.{emulation}:app")


@dataclass(frozen=True)
class Reference:
    args: tuple[str, ...]
    # its expectations file in tests/references/ (the checks that fail on it, each with why); None: none fail
    findings: str | None = None

    def suite_args(self) -> list[str]:
        return [*self.args, *([f"--expect={FINDINGS_DIR / self.findings}"] if self.findings else [])]


def checks(node: str) -> str:
    """A module or a check (relative to conformance/checks), to run on its own."""
    return str(CHECKS_DIR / node)


def command(template: str, variants: dict[str, str] | None = None) -> tuple[str, ...]:
    """--server-cmd with the probe app, and the launch variants (TLS, root path) it has."""
    return (f"--server-cmd={template.replace('{app}', PROBE_WSGI)}", "--interface=wsgi",
            *(f"--server-variant={name}={line.replace('{app}', PROBE_WSGI)}"
              for name, line in (variants or {}).items()))


REFERENCES = {
    "wsgi": [
        Reference(("--server=wsgiref",), "wsgiref.toml"),
        Reference(command(THREADED_WSGI, THREADED_WSGI_VARIANTS), "waitress-threaded.toml"),
        Reference(command(TWO_PROCESS_WSGI, TWO_PROCESS_WSGI_VARIANTS), "gunicorn-two-process.toml"),
        # Mounted: a server here that splits SCRIPT_NAME from PATH_INFO at a segment boundary.
        Reference(("--server=uwsgi", "-k", "mount_point or os_environment or os_variables")),
        # Over TLS: a server here that sets HTTPS=on (cheroot's TLS needs nothing but Python's ssl).
        Reference(("--server=cheroot", "-k", "over_tls")),
    ],
    "asgi": [
        Reference(("--server=uvicorn",), "uvicorn.toml"),
        # WebSocket only: uvicorn's legacy websockets implementation, the one here that gives a denial
        # response whose start has no headers key, or whose body event has no body.
        Reference(("--server=uvicorn-websockets", "-k", "websocket"), "uvicorn-websockets.toml"),
        # The one server here that advertises HTTP spec_version 2.4, which gates a disconnect check; with
        # HTTP/2 on, it also sends trailers in several messages, which hypercorn does not.
        Reference(("--server=gunicorn-asgi-h2",), "gunicorn-asgi-h2.toml"),
        # Raises for every invalid event the probe sends. (No launch variants: plain hypercorn.)
        Reference(("--server-cmd=hypercorn --bind {host}:{port} --worker-class asyncio {app}", "--interface=asgi"),
                  "hypercorn-plain.toml"),
        # The one server here that offers http.response.pathsend.
        Reference(("--server=granian",), "granian.toml"),
        # Emulations, not real servers: uvicorn behind middleware that does right what no installed server
        # does at all (tests/emulations/), so that the checks of it are seen to pass.
        Reference((f"--server-cmd={EMULATED.format(emulation='send_errors')}", "--interface=asgi",
                   "-k", "test_an_error_from_send_re_raised_by_the_app_is_caught_quietly")),
        Reference((f"--server-cmd={TLS_NOTED.format(emulation='tls_extension')}", "--interface=asgi",
                   f"--server-variant=tls={TLS_NOTED_TLS.format(emulation='tls_extension')}",
                   checks("asgi/test_tls.py"))),
        Reference((f"--server-cmd={EMULATED.format(emulation='early_hints')}", "--interface=asgi",
                   "-k", "early_hint_over_http_1_1")),
        Reference((f"--server-cmd={EMULATED.format(emulation='zerocopy')}", "--interface=asgi",
                   checks("asgi/test_zerocopy.py"))),
        # No installed ASGI server refuses a Host field with a space in it: uvicorn behind a front that does.
        Reference(("--server-cmd={python} -m tests.emulations.strict_host {host} {port} {app}", "--interface=asgi",
                   checks("http/test_parsing.py::test_an_invalid_host_is_refused"))),
        # The one server here that says spec_version 2.0 in the websocket scope.
        Reference(("--server=daphne", "-k", "2_0_server")),
        # WebSocket over HTTP/2 over TLS (ALPN h2): hypercorn by its adapter's tls variant (the full run of
        # hypercorn above has none), the one server here that offers extended CONNECT.
        Reference(("--server=hypercorn", checks("asgi/test_websocket_scope.py::test_http_version_is_2_over_http2"),
                   checks("asgi/test_websocket_scope.py::test_no_pseudo_headers_and_authority_is_the_first_host"),
                   checks("asgi/test_websocket_messages.py::test_messages_go_both_ways_over_http2"))),
    ],
}


def gate_failures(reference: Reference, run: SuiteRun) -> list[str]:
    """What the gate holds against this run, one line each; none if it passes. A reference's file is
    written for its own run, so a finding it did not run (skipped, deselected) counts as gone too."""
    gate = (run.results or {}).get("expectations") or {}
    new = sorted({c for c, outcome in run.outcomes().items() if outcome == "failed"} - run.expected_failures())
    lines = [f"exit code {run.returncode}"] if run.returncode != pytest.ExitCode.OK else []
    if new:
        lines.append(f"checks that failed (requirements {', '.join(gate.get('unexpected', [])) or '-'}): {new}")
    if gate.get("stale"):
        lines.append(f"known findings that no longer fail (remove them from {reference.findings}): {gate['stale']}")
    if gate.get("not_run"):
        lines.append(f"known findings that did not run (skipped or deselected): {gate['not_run']}")
    if reference.findings and not gate:
        lines.append("the results have no expectations section")
    return lines


@pytest.mark.parametrize("interface", sorted(REFERENCES))
def test_every_check_passes_on_a_conforming_server(interface: str, tmp_path: Path) -> None:
    runs: list[SuiteRun] = []
    for index, reference in enumerate(REFERENCES[interface]):
        folder = tmp_path / str(index)
        folder.mkdir()
        run = run_suite(reference.suite_args(), folder, timeout=300)  # a full run, on a loaded CI machine
        assert run.outcomes(), f"{reference.args}: no check ran\n{run.output[-4000:]}"
        failures = gate_failures(reference, run)
        assert not failures, f"{reference.args}:\n" + "\n".join(failures) + f"\n{run.output[-4000:]}"
        runs.append(run)
    passed = {check for run in runs for check, outcome in run.outcomes().items() if outcome == "passed"}
    findings = {check for run in runs for check in run.expected_failures()}
    never_passed = sorted(set(collected_checks(interface, tmp_path)) - passed - findings)
    assert not never_passed, f"checks that passed on no reference server: {never_passed}"
