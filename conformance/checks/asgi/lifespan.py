"""What the lifespan checks and the lifespan state checks share (test_lifespan.py, test_state.py,
and the slow_lifespan_server fixture of conftest.py): the recorder token under which the probe
reports an instance's lifespan events ("lifespan:<instance>"), whether the server runs the lifespan
at all (ASGI-LS-017, found out once per instance, never taken from the adapter), and the lifespan
records of an instance once it has started.
"""

from __future__ import annotations

import pytest

from conformance.checks.per_instance import PerInstance
from conformance.launcher import ServerProcess
from conformance.recorder import Record, Recorder, RecordTimeout
from conformance.session import ConformanceRun

LIFESPAN_DELAY = 0.4  # seconds the probe takes before each `complete`
# The app is called with the lifespan scope before the server serves requests: by the time it has
# answered the launcher, the probe's report of that call is on its way.
REPORT_GRACE = 2.0
NO_LIFESPAN = "not applicable: the server sent no lifespan scope (its failure is ASGI-LS-017's)"
_lifespan_run: PerInstance[bool] = PerInstance()


def lifespan_token(server: ServerProcess) -> str:
    return f"lifespan:{server.instance_id}"


def runs_lifespan(recorder: Recorder, server: ServerProcess) -> bool:
    """Whether the instance has called the app with a lifespan scope (the probe's own report)."""

    def reported() -> bool:
        try:
            recorder.wait_for(lifespan_token(server), "lifespan.invoked", timeout=REPORT_GRACE)
        except RecordTimeout:
            return False
        return True

    return _lifespan_run.once(server, "lifespan", reported)


def needs_lifespan(recorder: Recorder, server: ServerProcess) -> None:
    """Skip a check of the lifespan where the server runs none: not applicable because of ASGI-LS-017."""
    if not runs_lifespan(recorder, server):
        pytest.skip(NO_LIFESPAN)


def needs_lifespan_before_launch(recorder: Recorder, run: ConformanceRun) -> None:
    """For a check that would start an instance of its own: not applicable, without launching one,
    where the run's shared instance runs no lifespan."""
    needs_lifespan(recorder, run.server("asgi"))


def startup_records(recorder: Recorder, server: ServerProcess) -> list[Record]:
    """The lifespan records of an instance, once it has started; not applicable if it runs no lifespan.
    A server that called the app with the lifespan scope must send lifespan.startup: waiting for it
    is a check (RecordTimeout), not a skip."""
    needs_lifespan(recorder, server)
    recorder.wait_for(lifespan_token(server), "lifespan.startup", timeout=REPORT_GRACE)
    # The probe also reports its own call ("lifespan.invoked"); these are the events it received.
    return [r for r in recorder.records(lifespan_token(server)) if r.event != "lifespan.invoked"]
