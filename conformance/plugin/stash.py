"""The run's state that the plugin's modules share: the keys they read and write in pytest's stash.

Belongs here: the keys and what each holds, nothing that computes a value. ``config.stash`` lives
as long as the run (one per process: under xdist each worker has its own); ``item.stash`` as long
as one check.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.launcher import ServerProcess
from conformance.report import results
from conformance.report.expectations import Expectation
from conformance.session import ConformanceRun

run_key = pytest.StashKey[ConformanceRun]()  # the server under test, and the instances started of it
expected_key = pytest.StashKey[dict[str, Expectation]]()  # the gate's expected failures, by key
outcomes_key = pytest.StashKey[dict[str, results.CheckOutcome]]()  # by node ID
started_key = pytest.StashKey[float]()  # time.monotonic() when pytest was configured
gate_key = pytest.StashKey[dict[str, Any]]()  # what the gate concluded, for the summary and the JSON
harness_error_key = pytest.StashKey[str]()  # the set-up failure that stopped the run
servers_used_key = pytest.StashKey[list[ServerProcess]]()  # on an item: the shared servers the check was given
