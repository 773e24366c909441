"""Collection: which items are conformance checks, and what is done to them before they run.

Belongs here: the ``requirement`` marker (every check carries one, naming catalogue IDs only),
dropping the checks for an interface the server does not serve, and the CI gate's xfail marks on
the checks an expected failure covers. Nothing here starts a server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance import catalogue as catalogue_module
from conformance.coverage import CHECKS_DIR
from conformance.plugin.stash import expected_key, run_key

SERVER_FIXTURES = {"wsgi_server": "wsgi", "asgi_server": "asgi"}  # see conformance/plugin/fixtures.py


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "requirement(*ids): the catalogue requirements this conformance check verifies"
    )


def is_check(item: pytest.Item) -> bool:
    return bool(set(SERVER_FIXTURES) & set(getattr(item, "fixturenames", ()))) or Path(
        str(item.path)
    ).is_relative_to(CHECKS_DIR)


def requirement_ids(item: pytest.Item) -> list[str]:
    return [rid for marker in item.iter_markers("requirement") for rid in marker.args]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    known = catalogue_module.catalogue()
    problems = []
    for item in items:
        if not is_check(item):
            continue
        ids = requirement_ids(item)
        if not ids:
            problems.append(f"{item.nodeid}: a conformance check needs @pytest.mark.requirement(ID, ...)")
        for rid in ids:
            if rid not in known:
                problems.append(f"{item.nodeid}: requirement {rid!r} is not in the catalogue")
        item.user_properties.append(("requirements", " ".join(ids)))
        for rid in ids:
            if rid in known:
                item.user_properties.append(("level", known[rid].level))
    if problems:
        raise pytest.UsageError("\n".join(problems))
    # Checks for an interface the server does not serve are not run at all; a check's interface
    # is that of the requirements it verifies (an HTTP parsing check runs for each one it serves).
    spec = config.stash[run_key].spec
    served = set(spec.interfaces)
    keep, drop = [], []
    for item in items:
        needed = [known[rid] for rid in requirement_ids(item)] if is_check(item) else []
        (keep if all(r.applies_to(served) for r in needed) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    # The gate: an expected failure is pytest's xfail (non-strict), so -rx, junitxml and xdist
    # report it as such; an expectation that no longer fails is judged per entry at the end.
    expected = config.stash[expected_key]
    for item in items:
        if not expected or not is_check(item):
            continue
        for expectation in expected.values():
            if expectation.covers(item.nodeid, requirement_ids(item)):
                item.add_marker(pytest.mark.xfail(reason=f"expected ({expectation.key}): {expectation.reason}"))
                break
