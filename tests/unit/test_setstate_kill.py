"""The resume state's sorted sets exact after a kill -9 at any moment of a run that merges
them.  Timed (kills after sleeps of 0.9, 1.7 and 2.6 s, meant to land mid-merge): named apart
from test_setstate (which runs beside the rest in `make test`) so that it runs in the rest
(ci39)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.setstate import merged
from assay.core.store import RunStore

SRC = str(Path(assay.__file__).parents[1])


_CHILD = """
import sys
import numpy as np
from assay.core.checkpoint import Snapshot
from assay.core.store import RunStore
store = RunStore(sys.argv[1], compaction=sys.argv[2])
store.create_run(run_id="r", technique="toy", seed=1, command="x", config={}, model={},
                 versions={})
rng = np.random.default_rng(3)
for i in range(100_000):
    keys = np.unique(rng.integers(0, 2**40, 3_000, dtype=np.uint64))
    store.checkpoint("r", snapshot=Snapshot(values={"i": i}, sets={"s": keys}))
"""


@pytest.mark.parametrize("mode", ["inline", "background"])
def test_a_kill_during_merges_loses_nothing_committed(tmp_path: Path, mode: str) -> None:
    """kill -9 at arbitrary moments of a run that merges its sets: the store holds exactly
    the keys of every checkpoint up to the last one committed, each once."""
    for trial, delay in enumerate((0.9, 1.7, 2.6)):
        path = tmp_path / f"k{trial}.db"
        env = {**os.environ, "PYTHONPATH": SRC}
        child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), mode], env=env)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        store = RunStore(path, compaction="off")
        snap = store.load_snapshot("r")
        store.close()
        if snap is None:  # killed before the first checkpoint
            continue
        last = int(snap.values["i"])
        rng = np.random.default_rng(3)
        want = merged([rng.integers(0, 2**40, 3_000, dtype=np.uint64) for _ in range(last + 1)])
        assert np.array_equal(np.unique(snap.sets["s"]), want), (mode, delay)
