"""Every check can fail: each one fails on a mutant (a real server with one requirement broken),
and every check is the target of some mutant. A mutant's targets are the checks whose marker names
the requirement it breaks (tests/mutants/declare.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.coverage import checks_by_requirement
from conformance.servers import INTERFACES, lookup
from tests.mutants.declare import Mutant, targets
from tests.mutants.registry import MUTANTS
from tests.suite_runner import CHECKS_DIR, collected_checks, run_suite

BASE_SERVER = {"wsgi": "wsgiref", "asgi": "uvicorn"}
CHECKS = checks_by_requirement()


def matches(check: str, target: str) -> bool:
    return check == target or check.startswith(target + "[")


def mutant_command(mutant: Mutant) -> str:
    return (mutant.declaration.server or lookup(BASE_SERVER[mutant.interface]).command).replace("{app}", mutant.app)


def mutant_variants(mutant: Mutant) -> list[str]:
    """The launch variants (TLS, root path) serving the mutant: its own, else its base server's."""
    declaration = mutant.declaration
    variants = declaration.variants or ({} if declaration.server else lookup(BASE_SERVER[mutant.interface]).variants)
    return [f"--server-variant={name}={command.replace('{app}', mutant.app)}" for name, command in variants.items()]


def mutant_id(mutant: Mutant) -> str:
    shared = sum(m.name == mutant.name for m in MUTANTS) > 1
    return f"{mutant.name}-{mutant.requirement}" if shared else mutant.name


@pytest.mark.parametrize("mutant", MUTANTS, ids=mutant_id)
def test_mutant_is_caught(mutant: Mutant, tmp_path: Path) -> None:
    wanted = targets(mutant, CHECKS)
    run = run_suite([f"--server-cmd={mutant_command(mutant)}", f"--interface={mutant.interface}",
                     *mutant_variants(mutant), *(str(CHECKS_DIR / check) for check in wanted)], tmp_path)
    outcomes = run.outcomes()
    assert outcomes, f"no check ran on mutant {mutant.name}:\n{run.output[-3000:]}"
    for target, observation in wanted.items():
        ran = {check: outcome for check, outcome in outcomes.items() if matches(check, target)}
        assert ran, f"{target} did not run on mutant {mutant.name}\n{run.output[-3000:]}"
        if mutant.declaration.allowed:  # what the spec leaves open: never a failure
            for check, outcome in ran.items():
                assert outcome == "passed", f"{check} accuses {mutant.name} of what the spec allows ({outcome})\n" \
                                            f"{run.output[-3000:]}"
            if not observation:
                continue
        if observation:
            seen = [o for c, obs in run.observations().items() if matches(c, target) for o in obs]
            assert any(observation in o for o in seen), f"{target}: observation {seen} lacks {observation!r}"
            continue
        for check, outcome in ran.items():
            assert outcome == "failed", f"{check} passed on mutant {mutant.name} ({outcome})\n{run.output[-3000:]}"
        assert mutant.requirement in run.output, f"the failure does not name {mutant.requirement}"


@pytest.mark.parametrize("interface", INTERFACES)
def test_every_check_has_a_mutant(interface: str, tmp_path: Path) -> None:
    # (a server that does what the spec allows shows no check can fail: only a mutant does)
    aimed = [target for mutant in MUTANTS if not mutant.declaration.allowed for target in targets(mutant, CHECKS)]
    without = [c for c in collected_checks(interface, tmp_path) if not any(matches(c, t) for t in aimed)]
    assert not without, f"checks no mutant targets: {without}"


def test_every_mutant_targets_an_existing_check(tmp_path: Path) -> None:
    checks = [check for interface in INTERFACES for check in collected_checks(interface, tmp_path)]
    stale = [t for m in MUTANTS for t in targets(m, CHECKS) if not any(matches(c, t) for c in checks)]
    assert not stale, f"mutant targets that are not checks: {stale}"


def parsing_outcomes(front: str, directory: Path) -> dict[str, str]:
    """Each parsing check's outcome on gunicorn behind ``front`` (tests/mutants/http_parsing.py)."""
    command = f"{{python}} -m tests.mutants.http_parsing {front} {{host}} {{port}} probe_apps.wsgi_probe:app"
    run = run_suite([f"--server-cmd={command}", "--interface=wsgi", str(CHECKS_DIR / "http")], directory)
    assert run.outcomes(), run.output[-3000:]
    return run.outcomes()


@pytest.fixture(scope="module")
def faultless_parsing(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The parsing outcomes behind a front with no fault but the server behind's own."""
    return parsing_outcomes("host_as_received", tmp_path_factory.mktemp("faultless"))


def changed_from(faultless: dict[str, str], outcomes: dict[str, str]) -> dict[str, tuple[str | None, str]]:
    return {check: (faultless.get(check), outcome) for check, outcome in outcomes.items()
            if outcome != faultless.get(check)}


def test_a_dropped_pipelined_request_is_charged_to_pipelining_alone(tmp_path: Path,
                                                                    faultless_parsing: dict[str, str]) -> None:
    """A server that answers only the last of the requests in one write (bjoern) fails
    HTTP1-PARSE-066, and every other parsing check as the same server without that fault does."""
    dropping = parsing_outcomes("first_pipelined_dropped", tmp_path)
    pipelining = "http/test_parsing.py::test_pipelined_requests_are_answered_in_order[wsgi]"
    assert changed_from(faultless_parsing, dropping) == {pipelining: ("passed", "failed")}


def test_a_connection_reset_before_it_was_read_is_no_verdict(tmp_path: Path,
                                                             faultless_parsing: dict[str, str]) -> None:
    """A kernel resets the connections a full accept queue dropped (wsgiref's listen backlog is 5,
    and the parsing batch opens one connection per case at once): a case reset before the server
    read a byte of it is sent again, and judged on what the server did with it."""
    reset_once = parsing_outcomes("connections_reset_when_crowded", tmp_path)
    assert changed_from(faultless_parsing, reset_once) == {}


def test_an_empty_block_sent_as_the_last_chunk_is_charged_to_its_own_requirement(tmp_path: Path) -> None:
    """A server that writes an empty block as a zero-length chunk ends the body there: that is
    WSGI-IT-022's failure, and the byte-for-byte check of the forms with empty blocks is then not
    applicable, never failed."""
    mutant = next(m for m in MUTANTS if m.requirement == "WSGI-IT-022")
    run = run_suite([f"--server-cmd={mutant_command(mutant)}", "--interface=wsgi",
                     str(CHECKS_DIR / "wsgi" / "test_iterable.py")], tmp_path)
    outcomes = run.outcomes()
    forms = {c.rsplit("[", 1)[1].rstrip("]"): o for c, o in outcomes.items() if "byte_for_byte" in c}
    assert forms["many"] == forms["generator"] == "skipped", (forms, run.output[-3000:])
    own = [o for c, o in outcomes.items() if any(matches(c, t) for t in targets(mutant, CHECKS))]
    assert own and set(own) == {"failed"}, f"the mutant's own checks: {own}"
