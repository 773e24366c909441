"""Which catalogue requirements have a check: found by reading the checks, not by running them.

Belongs here: the static scan of ``conformance/checks/**/test_*.py`` for
``@pytest.mark.requirement(...)`` (on a function, a ``Test*`` class or a module's ``pytestmark``)
and the counts built from it. Does not belong here: anything that imports or runs a check; the
pytest plugin validates the markers of the checks it actually collects.

A check is named as pytest would name it, relative to the checks directory:
``wsgi/test_environ.py::test_environ_is_a_builtin_dict``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from conformance.catalogue import LEVELS, Requirement

CHECKS_DIR = Path(__file__).parent / "checks"
CHECKED_LEVELS = ("MUST", "SHOULD")  # the levels a complete suite must have a check for


def requirements_by_check(checks_dir: Path = CHECKS_DIR) -> dict[str, list[str]]:
    """Every check function, with the requirement IDs its markers name (possibly none)."""
    found: dict[str, list[str]] = {}
    for path in sorted(checks_dir.rglob("test_*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        prefix = path.relative_to(checks_dir).as_posix()
        module_ids = _pytestmark_ids(module.body)
        for name, ids in _checks_in(module.body, prefix):
            found[name] = module_ids + ids
    return found


def checks_by_requirement(checks_dir: Path = CHECKS_DIR) -> dict[str, list[str]]:
    """Requirement ID -> the checks that verify it; IDs without a check are absent."""
    by_id: dict[str, list[str]] = {}
    for check, ids in requirements_by_check(checks_dir).items():
        for requirement_id in dict.fromkeys(ids):
            by_id.setdefault(requirement_id, []).append(check)
    return by_id


@dataclass(frozen=True)
class CoverageLine:
    interface: str
    level: str
    requirements: int
    checked: int


def coverage_lines(requirements: Iterable[Requirement], checked_ids: Iterable[str]) -> list[CoverageLine]:
    """Per interface and level (in the catalogue's level order), how many requirements have a check."""
    requirements, checked = list(requirements), set(checked_ids)
    lines = []
    for interface in sorted({r.interface for r in requirements}):
        for level in LEVELS:
            ids = [r.id for r in requirements if r.interface == interface and r.level == level]
            if ids:
                lines.append(CoverageLine(interface, level, len(ids), sum(i in checked for i in ids)))
    return lines


def unchecked(requirements: Iterable[Requirement], checked_ids: Iterable[str],
              levels: Iterable[str] = CHECKED_LEVELS) -> list[Requirement]:
    """The requirements at these levels that no check verifies, in catalogue order."""
    checked, wanted = set(checked_ids), set(levels)
    return [r for r in requirements if r.level in wanted and r.id not in checked]


# --- the scan -------------------------------------------------------------------------------


def _checks_in(body: list[ast.stmt], prefix: str) -> Iterator[tuple[str, list[str]]]:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield f"{prefix}::{node.name}", _marker_ids(node.decorator_list)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            class_ids = _marker_ids(node.decorator_list) + _pytestmark_ids(node.body)
            for name, ids in _checks_in(node.body, f"{prefix}::{node.name}"):
                yield name, class_ids + ids


def _pytestmark_ids(body: list[ast.stmt]) -> list[str]:
    for node in body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            marks = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            return _marker_ids(marks)
    return []


def _marker_ids(expressions: list[ast.expr]) -> list[str]:
    """The string arguments of every ``pytest.mark.requirement(...)`` (or ``mark.requirement``)."""
    ids = []
    for expression in expressions:
        if (
            isinstance(expression, ast.Call)
            and isinstance(expression.func, ast.Attribute)
            and expression.func.attr == "requirement"
            and _is_mark(expression.func.value)
        ):
            ids += [arg.value for arg in expression.args
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
    return ids


def _is_mark(expression: ast.expr) -> bool:
    return (isinstance(expression, ast.Attribute) and expression.attr == "mark") or (
        isinstance(expression, ast.Name) and expression.id == "mark"
    )
