"""Expectations: the CI gate's file of failures a server is known to have (``--expect=FILE``).

The file is TOML; each table is one expected failure, keyed by a requirement ID or by a check's
node ID (relative to ``conformance/checks``, with or without its parameters), with a ``reason``
and optionally an ``issue`` link::

    [WSGI-ENV-071]
    reason = "SERVER_PORT is an int"
    issue = "https://github.com/example/server/issues/12"

    ["wsgi/test_strings.py::test_non_ascii_path_bytes_arrive_as_latin1[invalid-utf8]"]
    reason = "PATH_INFO is decoded as UTF-8"

Rules:
- A requirement entry covers every check of that requirement; a check entry covers that check
  (every parametrisation of it when the key has no ``[...]``).
- An entry holds while a check it covers fails; it is stale when the checks it covers ran and
  none failed ("stale expectation: remove it"); it was not run when none of them ran (-k, another
  interface, not applicable): a partial run proves nothing either way.
- A MAY requirement is never failed, so it cannot be expected to fail.
This module knows the file and these rules; the plugin turns them into xfail marks and an exit code.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from conformance.catalogue import ID_PATTERN, Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_FIELDS = {"reason", "issue"}
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_PARAMETERS = re.compile(r"\[.*\]$")


class ExpectationsError(ValueError):
    """The expectations file cannot be used; the message is one sentence naming the file."""


@dataclass(frozen=True)
class Expectation:
    key: str  # a requirement ID, or a check's node ID relative to conformance/checks
    reason: str
    issue: str = ""

    @property
    def is_check(self) -> bool:
        return "::" in self.key

    def covers(self, nodeid: str, requirement_ids: Iterable[str]) -> bool:
        if not self.is_check:
            return self.key in requirement_ids
        check = check_name(nodeid)
        return check == self.key or (not _PARAMETERS.search(self.key) and _PARAMETERS.sub("", check) == self.key)

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "reason": self.reason, "issue": self.issue}


def check_name(nodeid: str) -> str:
    """A check's node ID relative to the checks folder, however pytest's rootdir made it:
    ``conformance/checks/wsgi/test_input.py::test_x[a]`` -> ``wsgi/test_input.py::test_x[a]``."""
    path, sep, rest = nodeid.partition("::")
    return path.rsplit("checks/", 1)[-1] + sep + rest


def load(path: str | Path, catalogue: Mapping[str, Requirement], checks: Iterable[str]) -> dict[str, Expectation]:
    """Read and validate an expectations file against the catalogue and the checks that exist
    (node IDs without parameters, as ``coverage.requirements_by_check`` names them)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ExpectationsError(f"expectations file {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExpectationsError(f"expectations file {path}: cannot be read ({error})") from None
    return parse(text, str(path), catalogue, checks)


def parse(
    text: str, source: str, catalogue: Mapping[str, Requirement], checks: Iterable[str]
) -> dict[str, Expectation]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ExpectationsError(f"expectations file {source}: not valid TOML ({error})") from None
    known_checks = set(checks)
    found: dict[str, Expectation] = {}
    for key, entry in data.items():
        where = f"expectations file {source}, entry {key!r}"
        if not isinstance(entry, dict):
            raise ExpectationsError(f"{where}: each entry is a table ([ID] with reason = \"...\"), not a value")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise ExpectationsError(f"{where}: unknown field(s) {', '.join(unknown)}; an entry has reason and issue")
        reason, issue = entry.get("reason"), entry.get("issue", "")
        if not isinstance(reason, str) or not reason.strip():
            raise ExpectationsError(f"{where}: needs a reason (a non-empty string saying why it fails)")
        if not isinstance(issue, str):
            raise ExpectationsError(f"{where}: issue must be a string (a link or a reference)")
        if "::" in key:
            if _PARAMETERS.sub("", key) not in known_checks:
                raise ExpectationsError(
                    f"{where}: no such check; name it as `conformance requirements` lists checks, "
                    "e.g. wsgi/test_environ.py::test_environ_is_a_builtin_dict"
                )
        elif key not in catalogue:
            what = "not in the catalogue" if ID_PATTERN.match(key) else "neither a requirement ID nor a check"
            raise ExpectationsError(f"{where}: {what} (see `conformance requirements`)")
        elif catalogue[key].informational:
            raise ExpectationsError(f"{where}: a MAY requirement is reported, never failed, so it cannot be "
                                    "expected to fail; remove the entry")
        found[key] = Expectation(key, reason.strip(), issue.strip())
    return found


def dumps(expectations: Iterable[Expectation], header: str = "") -> str:
    """The file's text: requirement entries first, then check entries, each group sorted."""
    ordered = sorted(expectations, key=lambda e: (e.is_check, e.key))
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for expectation in ordered:
        key = expectation.key if _BARE_KEY.match(expectation.key) else json.dumps(expectation.key)
        lines += ["", f"[{key}]", f"reason = {json.dumps(expectation.reason, ensure_ascii=False)}"]
        if expectation.issue:
            lines.append(f"issue = {json.dumps(expectation.issue, ensure_ascii=False)}")
    return "\n".join(lines).lstrip("\n") + "\n"


# --- judging a run --------------------------------------------------------------------------


HOLDS, STALE, NOT_RUN = "holds", "stale", "not_run"


@dataclass(frozen=True)
class CheckResult:
    """What the gate needs to know of one check's run."""

    nodeid: str
    requirement_ids: tuple[str, ...]
    outcome: str  # passed, failed (expected or not), skipped


def judge(expectations: Iterable[Expectation], checks: Iterable[CheckResult]) -> dict[str, str]:
    """Each expectation's state after a run: holds, stale or not_run."""
    checks = list(checks)
    states = {}
    for expectation in expectations:
        outcomes = {c.outcome for c in checks if expectation.covers(c.nodeid, c.requirement_ids)}
        if "failed" in outcomes:
            states[expectation.key] = HOLDS
        elif "passed" in outcomes:
            states[expectation.key] = STALE
        else:
            states[expectation.key] = NOT_RUN
    return states


def updated(expectations: Mapping[str, Expectation], checks: Iterable[CheckResult],
            describe: Mapping[str, str]) -> list[Expectation]:
    """The expectations a run supports: those that hold or were not run, plus one entry per
    requirement with a failed check no kept entry covers. ``describe`` gives a new entry's reason
    for each requirement that may have one (MUST and SHOULD)."""
    checks = list(checks)
    states = judge(expectations.values(), checks)
    kept = [e for e in expectations.values() if states[e.key] != STALE]
    new: dict[str, Expectation] = {}
    for check in checks:
        if check.outcome != "failed" or any(e.covers(check.nodeid, check.requirement_ids) for e in kept):
            continue
        scored = [rid for rid in check.requirement_ids if rid in describe]
        for rid in scored:
            new.setdefault(rid, Expectation(rid, describe[rid]))
        if not scored:  # only MAY requirements, which cannot be expected to fail: name the check
            name = check_name(check.nodeid)
            new.setdefault(name, Expectation(name, "fails"))
    return kept + list(new.values())
