"""Every check can fail: each one fails on a mutant (a real server with one requirement broken),
and every check is the target of some mutant."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.servers import INTERFACES, lookup
from tests.mutants import Mutant
from tests.mutants.registry import MUTANTS
from tests.suite_runner import CHECKS_DIR, collected_checks, run_suite

BASE_SERVER = {"wsgi": "wsgiref", "asgi": "uvicorn"}


def targets(mutant: Mutant, check: str) -> bool:
    """Whether ``check`` (a node ID) is one of the mutant's targets."""
    return any(check == t or check.startswith(t + "[") for t in (*mutant.kills, *mutant.observes))


def mutant_command(mutant: Mutant) -> str:
    return (mutant.server or lookup(BASE_SERVER[mutant.interface]).command).replace("{app}", mutant.app)


def mutant_variants(mutant: Mutant) -> list[str]:
    """The launch variants (TLS, root path) serving the mutant: its own, else its base server's."""
    variants = mutant.variants or ({} if mutant.server else lookup(BASE_SERVER[mutant.interface]).variants)
    return [f"--server-variant={name}={command.replace('{app}', mutant.app)}" for name, command in variants.items()]


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_is_caught(mutant: Mutant, tmp_path: Path) -> None:
    selected = [str(CHECKS_DIR / check) for check in (*mutant.kills, *mutant.observes)]
    run = run_suite([f"--server-cmd={mutant_command(mutant)}", f"--interface={mutant.interface}",
                     *mutant_variants(mutant), *selected], tmp_path)
    outcomes = run.outcomes()
    assert outcomes, f"no check ran on mutant {mutant.name}:\n{run.output[-3000:]}"
    for check, outcome in outcomes.items():
        if any(check == k or check.startswith(k + "[") for k in mutant.kills):
            assert outcome == "failed", f"{check} passed on mutant {mutant.name} ({outcome})\n{run.output[-3000:]}"
            assert mutant.breaks in run.output, f"the failure does not name {mutant.breaks}"
    for check, expected in mutant.observes.items():
        seen = [o for c, obs in run.observations().items() if c == check or c.startswith(check + "[") for o in obs]
        assert any(expected in o for o in seen), f"{check}: observation {seen} lacks {expected!r}"


@pytest.mark.parametrize("interface", INTERFACES)
def test_every_check_has_a_mutant(interface: str, tmp_path: Path) -> None:
    without = [c for c in collected_checks(interface, tmp_path) if not any(targets(m, c) for m in MUTANTS)]
    assert not without, f"checks no mutant targets: {without}"


def test_every_mutant_targets_an_existing_check(tmp_path: Path) -> None:
    checks = [check for interface in INTERFACES for check in collected_checks(interface, tmp_path)]
    stale = [t for m in MUTANTS for t in (*m.kills, *m.observes)
             if not any(c == t or c.startswith(t + "[") for c in checks)]
    assert not stale, f"mutant targets that are not checks: {stale}"
