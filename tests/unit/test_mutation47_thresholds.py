"""mutation47: a severity within ``TIE`` of a threshold reaches it (audit46t) in every count
of it: the tallies' exact count of few distinct severities, their histogram's, and the
store's count of a run kept without tallies (a schema-1 store's), alike at the tolerance's
own edge; and a text exhaustive run's warning counts the queries its search gets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.core.witnesses import TIE, KindTally


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.123])
def test_the_exact_count_and_the_histograms_agree_at_the_tolerances_edge(threshold: float) -> None:
    edge = threshold - TIE  # (the farthest below the threshold a severity still reaches it)
    tally = KindTally()
    tally.count_batch(np.array([edge, edge - 1e-6, threshold + 0.01]))
    exact = tally.at_or_above(threshold)
    tally.distinct = None  # (the histogram's count: exact for a threshold on its grid)
    assert exact == tally.at_or_above(threshold) == 2


def _store(path: Path, severity: list[float]) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="text-1", technique="text", seed=0, command="assay text",
            config={}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="text-disagreement",
            inputs=np.zeros((len(severity), 1)),
            outputs=np.zeros((len(severity), 1)),
            severity=np.asarray(severity),
        )
        store.checkpoint("text-1", findings=[batch], status="completed", progress={}, summary={})


def test_a_run_kept_without_tallies_counts_a_severity_of_exactly_the_threshold(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.db"
    # 0.5 * (|0.3 - 0.6| + |0.7 - 0.4|) in floats: a distance of exactly 0.3
    _store(path, [0.29999999999999993, 0.3, 0.2, 0.31, 0.3 - TIE])
    with RunStore(path) as store:
        assert store.count_at_or_above("text-1", 0.3) == 4
    db = sqlite3.connect(path)
    db.execute("DELETE FROM tallies WHERE run_id = 'text-1'")  # (a run kept before tallies)
    db.commit()
    db.close()
    with RunStore(path) as store:
        assert store._read_tallies("text-1") is None
        assert store.count_at_or_above("text-1", 0.3) == 4  # (counted from its findings)
        assert store.count_at_or_above("text-1", 0.3000001) == 1
        assert store.count_at_or_above("text-1", 0.0) == 5
