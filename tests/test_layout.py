"""One spec area, one name: the catalogue file conformance/requirements/<stem>.toml, its checks in
conformance/checks/<interface>/test_<area>.py and its mutants in tests/mutants/<stem>.py, where
<stem> is <interface>_<area>. A check lives in the module of the first requirement its marker names;
a mutant in the module of the requirement it breaks. And no module grows past a size one can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.catalogue import catalogue
from conformance.coverage import CHECKS_DIR, requirements_by_check
from tests.mutants.registry import MUTANTS

REPO = Path(__file__).resolve().parent.parent
LONGEST_MODULE = 700  # lines
# Modules of server shims: each launches its own server, whatever the areas of the requirements its shims break.
SHIM_MODULES = ("wsgi_shims", "ws_shims")


def check_module(stem: str) -> str:
    interface, area = stem.split("_", 1)
    return f"{interface}/test_{area}.py"


def test_each_check_lives_in_the_module_of_its_first_requirement() -> None:
    known = catalogue()
    misplaced = [f"{check} (its first requirement {ids[0]} is of {known[ids[0]].stem})"
                 for check, ids in requirements_by_check().items()
                 if ids and check.split("::")[0] != check_module(known[ids[0]].stem)]
    assert not misplaced, "\n".join(misplaced)


def test_every_check_module_is_named_after_an_area() -> None:
    modules = {check_module(r.stem) for r in catalogue().values()}
    stray = [p.relative_to(CHECKS_DIR).as_posix() for p in CHECKS_DIR.rglob("test_*.py")
             if p.relative_to(CHECKS_DIR).as_posix() not in modules]
    assert not stray, f"check modules that are no area's: {stray}"


def test_each_mutant_lives_in_the_module_of_its_area() -> None:
    known = catalogue()
    misplaced = [f"{m.name} breaks {m.requirement} of {known[m.requirement].stem}, declared in {m.declaration.home}"
                 for m in MUTANTS
                 if m.declaration.home.rsplit(".", 1)[1] not in (known[m.requirement].stem, *SHIM_MODULES)]
    assert not misplaced, "\n".join(misplaced)


@pytest.mark.parametrize("folder", ["conformance", "tests/mutants"])
def test_no_module_is_longer_than_one_can_read(folder: str) -> None:
    long = {p.relative_to(REPO).as_posix(): n for p in (REPO / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE}
    assert not long, f"modules over {LONGEST_MODULE} lines: {long}"
