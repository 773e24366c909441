"""Results documents built by hand, for the tests of the renderings, the gate and the matrix.

The sample has every verdict at every level it can take, a requirement with several checks (it
must count once), and text a page must escape. Its numbers, worked out by hand:
MUST 4 pass / 1 fail / 1 not applicable -> 80%; SHOULD 1 / 1 / 1 -> 50%; MAY 1 informational.
"""

from __future__ import annotations

import copy
from typing import Any

HOSTILE = "<script>alert('x')</script> & \"quotes\""


def check(nodeid: str, outcome: str = "passed", **failure: str) -> dict[str, Any]:
    row: dict[str, Any] = {"nodeid": nodeid, "outcome": outcome, "duration": 0.002, "detail": "",
                           "expected_failure": False}
    if outcome == "failed":
        row["failure"] = {"sent": "", "expected": "", "got": "", **failure}
        row["detail"] = "\n".join(f"{k}: {v}" for k, v in row["failure"].items())
    elif outcome == "skipped":
        row["detail"] = failure.get("reason", "not applicable: the server lacks it")
    return row


def requirement(rid: str, level: str, area: str, verdict: str, checks: list[dict[str, Any]],
                **extra: Any) -> dict[str, Any]:
    failed = [c for c in checks if c["outcome"] in ("failed", "skipped")]
    return {
        "id": rid, "level": level, "spec": "PEP 3333" if rid.startswith("WSGI") else "ASGI 3.0",
        "section": "environ Variables", "area": area, "interface": rid.split("-")[0].lower(),
        "summary": f"summary of {rid}", "quote": f"the spec's sentence for {rid}", "note": "",
        "verdict": verdict, "duration": 0.01, "detail": failed[0]["detail"] if failed else "",
        "observations": [], "expectation": None, "checks": checks, **extra,
    }


ROWS = [
    requirement("WSGI-ENV-070", "MUST", "WSGI environ", "fail", [
        check("wsgi/test_environ.py::test_server_name[1.1]", "failed", sent="GET /environ HTTP/1.1",
              expected="SERVER_PORT a non-empty str", got=f"SERVER_PORT 8000 (int) {HOSTILE}"),
        check("wsgi/test_environ.py::test_server_name[1.0]", "failed", sent="GET /environ HTTP/1.0",
              expected="SERVER_PORT a non-empty str", got="SERVER_PORT 8000 (int)"),
    ], quote=f"SERVER_NAME and SERVER_PORT must never be empty. {HOSTILE}"),
    requirement("WSGI-ENV-071", "MUST", "WSGI environ", "pass", [check("wsgi/test_environ.py::test_port")]),
    requirement("WSGI-ENV-001", "MUST", "WSGI environ", "pass", [
        check("wsgi/test_environ.py::test_dict[a]"), check("wsgi/test_environ.py::test_dict[b]"),
        check("wsgi/test_environ.py::test_dict[c]"),
    ]),
    requirement("WSGI-IN-002", "MUST", "WSGI input", "pass", [check("wsgi/test_input.py::test_read")]),
    requirement("WSGI-KEY-006", "SHOULD", "WSGI environ", "fail", [
        check("wsgi/test_keys.py::test_multithread", "failed", sent="two requests at once",
              expected="wsgi.multithread true", got="false"),
    ]),
    requirement("WSGI-KEY-007", "SHOULD", "WSGI environ", "not_applicable", [
        check("wsgi/test_keys.py::test_multiprocess", "skipped", reason="not applicable: one process"),
    ]),
    requirement("WSGI-HV-001", "SHOULD", "WSGI environ", "pass", [check("wsgi/test_http_variables.py::test_hv")]),
    requirement("ASGI-HTTP-SCOPE-003", "MAY", "ASGI HTTP scope", "informational",
                [check("asgi/test_http_scope.py::test_spec_version")], observations=["asgi.spec_version = '2.3'"]),
    requirement("ASGI-HTTP-SCOPE-001", "MUST", "ASGI HTTP scope", "pass",
                [check("asgi/test_http_scope.py::test_type")]),
    requirement("ASGI-LS-001", "MUST", "ASGI lifespan", "not_applicable", [
        check("asgi/test_lifespan.py::test_scope", "skipped", reason="not applicable: no lifespan"),
    ]),
]

EXPECTED = {
    "by_level": {
        "MUST": {"pass": 4, "fail": 1, "not_applicable": 1, "informational": 0},
        "SHOULD": {"pass": 1, "fail": 1, "not_applicable": 1, "informational": 0},
        "MAY": {"pass": 0, "fail": 0, "not_applicable": 0, "informational": 1},
    },
    "message": "MUST 80% · SHOULD 50%",
    "label": "WSGI+ASGI",
    "colour": "orange",
}


def sample_document(name: str = "hypothetical", version: str | None = "1.2.3",
                    rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    rows = copy.deepcopy(ROWS if rows is None else rows)
    verdicts = ("pass", "fail", "not_applicable", "informational")
    return {
        "schema": "conformance-results/1",
        "suite_version": "0.1.0",
        "date": "2026-11-26T08:00:00+00:00",
        "duration": 1.5,
        "python": "3.11.7",
        "platform": "Linux-test",
        "server": {"name": name, "version": version, "interfaces": ["asgi", "wsgi"],
                   "command": f"{name} --bind {{host}}:{{port}} {{app}}", "description": f"{name} & co"},
        "summary": {v: sum(r["verdict"] == v for r in rows) for v in verdicts},
        "by_level": {level: {v: sum((r["level"], r["verdict"]) == (level, v) for r in rows) for v in verdicts}
                     for level in ("MUST", "SHOULD", "MAY")},
        "coverage": {"requirements": len(rows), "checked": len(rows), "unchecked": []},
        "requirements": rows,
        "harness": {"launches": []},
    }
