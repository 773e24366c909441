"""What the lifespan checks and the lifespan state checks share (test_lifespan.py, test_state.py,
and the slow_lifespan_server fixture of conftest.py): the recorder token under which the probe
reports an instance's lifespan events ("lifespan:<instance>"), whether a named server declares no
lifespan, and the lifespan records of an instance once it has started.
"""

from __future__ import annotations

import pytest

from conformance.launcher import ServerProcess
from conformance.recorder import Record, Recorder, RecordTimeout
from conformance.servers import ServerSpec

LIFESPAN_DELAY = 0.4  # seconds the probe takes before each `complete`


def lifespan_token(server: ServerProcess) -> str:
    return f"lifespan:{server.instance_id}"


def declares_no_lifespan(spec: ServerSpec) -> bool:
    """A named server whose adapter says it has no lifespan (a --server-cmd server is tried)."""
    return spec.name != "custom" and "lifespan" not in spec.capabilities


def startup_records(recorder: Recorder, server: ServerProcess, spec: ServerSpec) -> list[Record]:
    """The lifespan records of an instance, once it has started; skip if it sends no lifespan.

    A server that runs lifespan has sent lifespan.startup before it answered the launcher's first
    request, so a server declared without lifespan needs only a short grace period."""
    try:
        recorder.wait_for(lifespan_token(server), "lifespan.startup", timeout=2.0 if not declares_no_lifespan(spec)
                          else 0.3)
    except RecordTimeout:
        if "lifespan" in spec.capabilities:
            raise
        pytest.skip(f"not applicable: {spec.name} sends no lifespan scope")
    # The probe also reports its own call ("lifespan.invoked"); these are the events it received.
    return [r for r in recorder.records(lifespan_token(server)) if r.event != "lifespan.invoked"]
