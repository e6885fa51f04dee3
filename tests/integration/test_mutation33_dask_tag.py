"""Two campaigns of one seed on one scheduler count no attempt of each other's as lost
(mutation32's Left 1, mutant D4).

A scheduler that outlives runs keeps the start events every unit's attempt logs
(``execution.dask.STARTS``); a campaign counts as lost the starts of its own task keys that
never came back with a result.  The keys carry a random tag beside the seed: without it the
same command run twice on one scheduler named its units alike, and the second run counted
the first run's starts as its own lost attempts (their requests said to be missing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.api import check_fairness
from assay.core.store import RunStore
from assay.datasets import load_dataset

pytest.importorskip("distributed")


def test_a_second_campaign_of_the_same_seed_counts_no_lost_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distributed

    from assay.execution import dask as dask_units

    seen: list[tuple[frozenset[str], int]] = []
    counted = dask_units._lost_attempts

    def recorded(client: Any, keys: set[str], ended: int) -> int:
        lost = counted(client, keys, ended)
        seen.append((frozenset(keys), lost))
        return lost

    monkeypatch.setattr(dask_units, "_lost_attempts", recorded)
    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0, max_depth=6).fit(ds.X, ds.target)
    store = RunStore(tmp_path / "r.db")
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with cluster:
        for _ in range(2):
            check_fairness(
                tree, dataset="adult", protected="sex", max_queries=600, seed=5,
                store=store, units=2, executor="dask", scheduler=cluster.scheduler_address,
            )  # fmt: skip
        client = distributed.Client(cluster.scheduler_address)
        try:  # (the events the scheduler keeps: both campaigns' starts, two each)
            starts = [m for _, m in client.get_events(dask_units.STARTS) if isinstance(m, dict)]
        finally:
            client.close()
    store.close()
    (first, lost1), (second, lost2) = seen
    assert len(starts) == 4
    assert lost1 == lost2 == 0  # (without the tag, the second said 2 lost)
    assert len(first) == len(second) == 2
    assert not first & second  # each campaign's units named apart
