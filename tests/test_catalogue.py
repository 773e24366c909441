"""The requirement catalogue: the shipped one is well-formed, a broken one is refused by file name,
and every check names requirements the catalogue knows."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

from conformance import catalogue, coverage
from conformance.catalogue import LEVELS, CatalogueError

ID_PATTERN = re.compile(r"^(WSGI|ASGI|HTTP1)-[A-Z][A-Z0-9]*(-[A-Z][A-Z0-9]*)?-\d{3}$")

HEADER = """\
spec = "PEP 3333"
area = "WSGI test"
interface = "wsgi"
prefix = "WSGI-TEST"
"""


def requirement_table(requirement_id: str = "WSGI-TEST-001", level: str = "MUST", *, omit: str = "") -> str:
    fields = {"id": requirement_id, "level": level, "section": "s", "summary": "a summary", "quote": "a quote"}
    lines = [f'{name} = "{value}"' for name, value in fields.items() if name != omit]
    return "\n[[requirement]]\n" + "\n".join(lines) + "\n"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- the shipped catalogue ------------------------------------------------------------------


def test_the_shipped_catalogue_loads() -> None:
    loaded = catalogue.load()
    assert loaded
    assert {r.interface for r in loaded.values()} == {"wsgi", "asgi", "http"}


def test_every_id_is_well_formed_and_names_its_interface() -> None:
    malformed = [rid for rid in catalogue.load() if not ID_PATTERN.match(rid)]
    assert malformed == []
    prefix = {"wsgi": "WSGI-", "asgi": "ASGI-", "http": "HTTP1-"}
    assert all(rid.startswith(prefix[r.interface]) for rid, r in catalogue.load().items())


def test_every_level_is_must_should_or_may() -> None:
    assert {r.level for r in catalogue.load().values()} <= {"MUST", "SHOULD", "MAY"}


# --- a broken catalogue is refused, naming the file -----------------------------------------


def test_load_reads_a_well_formed_directory(tmp_path: Path) -> None:
    write(tmp_path, "wsgi_test.toml", HEADER + requirement_table())
    loaded = catalogue.load(tmp_path)
    assert list(loaded) == ["WSGI-TEST-001"]
    assert loaded["WSGI-TEST-001"].area == "WSGI test"


def test_malformed_toml_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "broken.toml", HEADER + "[[requirement]\nid = 'WSGI-TEST-001'\n")
    with pytest.raises(CatalogueError, match=r"^broken\.toml: not valid TOML"):
        catalogue.load(tmp_path)


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "twice.toml", HEADER + requirement_table() + requirement_table())
    with pytest.raises(CatalogueError, match=r"^twice\.toml: requirement WSGI-TEST-001 is defined twice"):
        catalogue.load(tmp_path)


def test_a_duplicate_id_across_files_names_the_second_file(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", HEADER + requirement_table())
    write(tmp_path, "b.toml", HEADER + requirement_table())
    with pytest.raises(CatalogueError, match=r"^b\.toml: requirement WSGI-TEST-001 is defined twice"):
        catalogue.load(tmp_path)


def test_an_unknown_level_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "levels.toml", HEADER + requirement_table(level="MUST NOT"))
    with pytest.raises(CatalogueError, match=r"^levels\.toml: WSGI-TEST-001 has level 'MUST NOT'"):
        catalogue.load(tmp_path)


@pytest.mark.parametrize("field", ["id", "level", "section", "summary", "quote"])
def test_a_requirement_missing_a_field_is_refused(tmp_path: Path, field: str) -> None:
    write(tmp_path, "short.toml", HEADER + requirement_table(omit=field))
    with pytest.raises(CatalogueError, match=rf"^short\.toml: .*lacks \['{field}'\]"):
        catalogue.load(tmp_path)


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "extra.toml", HEADER + requirement_table() + 'levle = "MUST"\n')
    with pytest.raises(CatalogueError, match=r"^extra\.toml: requirement WSGI-TEST-001 has unknown fields \['levle'\]"):
        catalogue.load(tmp_path)


@pytest.mark.parametrize("field", ["spec", "area", "interface", "prefix"])
def test_a_file_missing_a_header_field_is_refused(tmp_path: Path, field: str) -> None:
    header = "".join(line + "\n" for line in HEADER.splitlines() if not line.startswith(field))
    write(tmp_path, "headless.toml", header + requirement_table())
    with pytest.raises(CatalogueError, match=r"^headless\.toml: "):
        catalogue.load(tmp_path)


def test_an_id_of_another_prefix_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "wsgi_test.toml", HEADER + requirement_table("WSGI-OTHER-001"))
    with pytest.raises(CatalogueError, match=r"^wsgi_test\.toml: requirement ID 'WSGI-OTHER-001' does not have the "
                       r"file's prefix 'WSGI-TEST'"):
        catalogue.load(tmp_path)


def test_an_unknown_interface_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "cgi.toml", HEADER.replace('"wsgi"', '"cgi"') + requirement_table())
    with pytest.raises(CatalogueError, match=r"^cgi\.toml: "):
        catalogue.load(tmp_path)


# --- the checks and the catalogue agree -----------------------------------------------------


def test_every_check_names_at_least_one_known_requirement() -> None:
    known = catalogue.load()
    checks = coverage.requirements_by_check()
    assert checks, "the scan found no checks at all"
    without_ids = [check for check, ids in checks.items() if not ids]
    unknown = {check: [i for i in ids if i not in known] for check, ids in checks.items()}
    assert without_ids == []
    assert {check: ids for check, ids in unknown.items() if ids} == {}


def test_every_must_and_should_requirement_has_a_check() -> None:
    missing = coverage.unchecked(catalogue.load().values(), coverage.checks_by_requirement())
    assert [r.id for r in missing] == []


# Checks that only report, under a judged requirement, each with why it may (a judged sibling decides the verdict).
REPORTS_BESIDE_A_JUDGED_SIBLING = {
    "wsgi/test_input.py::test_read_none_is_reported":
        ("WSGI-IN-011 is judged by read(-1); whether read(None) counts as read() is contested "
         "(io.RawIOBase names -1 only)"),
}


def judges(function: ast.FunctionDef) -> bool:
    """Whether a check can fail: it asserts, or calls verify (or a helper that says it verifies)."""
    called = {getattr(node.func, "id", getattr(node.func, "attr", "")) for node in ast.walk(function)
              if isinstance(node, ast.Call)}
    return any(isinstance(node, ast.Assert) for node in ast.walk(function)) or any(
        "verify" in name or name == "fail" for name in called)


def test_a_must_or_should_check_can_fail() -> None:
    """A check that can only observe passes every server: under a MUST or SHOULD that is a false pass,
    and the requirement is a MAY (informational) instead."""
    known = catalogue.load()
    checks = coverage.requirements_by_check()
    reporting_only = []
    for path in sorted(coverage.CHECKS_DIR.rglob("test_*.py")):
        prefix = path.relative_to(coverage.CHECKS_DIR).as_posix()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            name = f"{prefix}::{getattr(node, 'name', '')}"
            if name not in checks or judges(node) or name in REPORTS_BESIDE_A_JUDGED_SIBLING:
                continue
            if any(known[rid].level != "MAY" for rid in checks[name]):
                reporting_only.append(f"{name} ({', '.join(checks[name])})")
    assert reporting_only == []


def test_the_scan_reads_function_class_and_module_markers(tmp_path: Path) -> None:
    write(tmp_path / "wsgi", "test_sample.py", """\
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.slow, pytest.mark.requirement("WSGI-MOD-001")]


        @pytest.mark.parametrize("x", [1])
        @pytest.mark.requirement("WSGI-FN-001", "WSGI-FN-002")
        def test_function(x): ...


        @mark.requirement("WSGI-CLS-001")
        class TestGroup:
            @pytest.mark.requirement("WSGI-METH-001")
            async def test_method(self): ...

            def helper(self): ...


        def helper(): ...
    """)
    assert coverage.requirements_by_check(tmp_path) == {
        "wsgi/test_sample.py::test_function": ["WSGI-MOD-001", "WSGI-FN-001", "WSGI-FN-002"],
        "wsgi/test_sample.py::TestGroup::test_method": ["WSGI-MOD-001", "WSGI-CLS-001", "WSGI-METH-001"],
    }
    assert coverage.checks_by_requirement(tmp_path)["WSGI-MOD-001"] == [
        "wsgi/test_sample.py::test_function",
        "wsgi/test_sample.py::TestGroup::test_method",
    ]


def test_levels_are_counted_in_catalogue_order() -> None:
    lines = coverage.coverage_lines(catalogue.load().values(), coverage.checks_by_requirement())
    for interface in {line.interface for line in lines}:
        levels = [line.level for line in lines if line.interface == interface]
        assert levels == sorted(levels, key=LEVELS.index)
