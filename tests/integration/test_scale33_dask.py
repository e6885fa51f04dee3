"""scale33: a hostile pass over ``--executor dask`` for the three techniques.

A Python function given as the model (a lambda, a function defined inside another) on a
cluster whose workers run several threads: each thread's copy of the model was made with
plain ``pickle``, which cannot name such a function, and the run died with a bare
``AttributeError: Can't pickle local object`` from the worker (an internal error).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.text.api import check_text

distributed = pytest.importorskip("distributed")


def test_a_lambda_model_runs_on_workers_of_several_threads(tmp_path: Path) -> None:
    def positive(text: str) -> str:
        return "negative" if " not " in f" {text} " else "positive"

    lam = lambda texts: [positive(t) for t in texts]  # noqa: E731  (the case itself)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = check_text(
            [lam, "builtin:tfidf"],
            grammar="builtin:reviews",
            max_queries=300,
            seed=1,
            units=2,
            executor="dask",
            scheduler=cluster.scheduler_address,
            store=tmp_path / "r.db",
        )
    assert result.status in ("completed", "budget_exhausted")
    assert len(result.summary["units"]["queries"]) == 2  # both units ran, on the threads
