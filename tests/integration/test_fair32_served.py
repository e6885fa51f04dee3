"""A served model tested from Python is told what the command line tells it before the run
(fair32): what the run may ask beside ``max_queries``, kept among the result's notes in the
caller's keywords; the rows the server received are within it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

import assay


def test_a_served_models_python_run_keeps_the_command_lines_budget_note(
    tmp_path: Path,
) -> None:
    from serving_servers import FaultServer

    received = [0]

    def answer(x: np.ndarray) -> np.ndarray:
        received[0] += len(x)
        p = ((x[:, 8] > 0) & (x[:, 0] > 40)).astype(float)
        return np.stack([p, 1 - p], axis=1)

    with FaultServer(answer) as server:
        result = assay.check_fairness(
            server.url,
            dataset="adult",
            protected="sex",
            max_queries=2000,
            seed=1,
            store=tmp_path / "r.db",
        )
    said = " ".join(result.notes)
    note = re.search(
        r"max_queries 2,000 bounds the search; beside it the run may ask the served model up "
        r"to ([\d,]+) queries for the answer's samples and up to ([\d,]+) for the determinism "
        r"checks",
        said,
    )
    assert note, result.notes
    assert "--max-queries" not in said  # (a Python caller's keyword)
    assert result.warnings == [] or not any("bounds the search" in w for w in result.warnings)
    beside = sum(int(g.replace(",", "")) for g in note.groups())
    total = result.summary["model_queries"]["total"]
    assert received[0] - 2 <= total <= received[0]  # (the loader's probe: at most 2 rows)
    assert total <= 2000 + beside
