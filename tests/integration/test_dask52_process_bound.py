"""dask52: a model whose answers are drawn once per process (here a rule of its own in every
process but this one) answers alike in this process, so the determinism check at the start
passes; on Dask its IDIs, found by the workers' copies, do not hold when the run re-checks
them here.  The run put that down to the batch alone ("the model's answers depend on the
batch they are asked in"); it now names the other cause, the processes
(``core.process_bound``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")


def test_a_model_drawn_per_process_on_dask_is_said_to_depend_on_the_process(
    tmp_path: Path,
) -> None:
    import assay

    home = os.getpid()

    def model(rows: Any) -> Any:  # (defined here: sent by value to the workers)
        import os

        import numpy as np

        # its "state drawn per process": one rule here, another in any other process
        shift = 0.0 if os.getpid() == home else 1.0
        total = np.asarray(rows, dtype=float).sum(axis=1) + shift
        return (total % 3 >= 1.5).astype(int)

    result = assay.check_fairness(
        model,
        dataset="adult",
        protected="sex",
        max_queries=4000,
        seed=2,
        units=2,
        executor="dask",
        workers=1,
        store=tmp_path / "runs.db",
    )
    summary = result.summary
    assert summary["determinism"]["deterministic"] is True  # (alike in this process)
    assert summary["determinism"]["confirmation"]["confirmation_rate"] < 1
    assert "depend on the batch they are asked in, or on the process asking" in summary["headline"]
    assert any("or on the process asking" in w for w in summary["warnings"])
