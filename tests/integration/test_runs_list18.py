"""`assay runs` says which runs tested nothing, as their reports and `assay show` do: the list
showed a run whose model answered one class to everything as "completed  0 findings", the
same line as a clean pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register


class Answers:
    capabilities = assay.Capabilities("tabular", 2, "labels")

    def __init__(self, constant: bool) -> None:
        self.constant = constant

    def predict(self, inputs: object, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        if self.constant:
            return np.zeros(len(x), dtype=np.int64)
        return (x[:, 0] > 30).astype(np.int64)  # never uses sex: a clean pass


def test_the_runs_list_marks_a_run_that_tested_nothing(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 60, 500), "sex": rng.integers(0, 2, 500)})
    store = tmp_path / "runs.db"
    ids = {}
    for constant in (True, False):
        result = assay.check_fairness(
            Answers(constant),
            data=frame,
            protected="sex",
            max_queries=2_000,
            seed=1,
            store=store,
        )
        ids[constant] = result.run_id
    register()
    got = CliRunner().invoke(app, ["runs", "--store", str(store)])
    assert got.exit_code == 0, got.output
    lines = {line.split()[0]: line for line in got.output.splitlines() if line.strip()}
    assert lines[ids[True]].endswith("NOTHING WAS TESTED"), got.output
    assert "TESTED" not in lines[ids[False]], got.output


def test_the_list_lines_up_runs_of_every_technique(tmp_path: Path) -> None:
    """A text run's id is shorter than a fairness run's: its status, findings and seed were
    printed two columns left of the others'."""
    from assay.core.store import RunStore

    store = RunStore(tmp_path / "runs.db")
    for run_id in ("fairness-20261204-175223-961b", "text-20261204-174836-80d4"):
        store.create_run(
            run_id=run_id,
            technique=run_id.split("-")[0],
            seed=1,
            command="x",
            config={},
            model={},
            versions={},
        )
    store.close()
    got = CliRunner().invoke(app, ["runs", "--store", str(tmp_path / "runs.db")])
    lines = [line for line in got.output.splitlines() if line.startswith(("fairness-", "text-"))]
    assert len(lines) == 2
    assert len({line.index(" findings") for line in lines}) == 1, lines
    assert len({line.index("seed ") for line in lines}) == 1, lines
