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
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
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


def test_a_fairness_campaign_on_dask_reports_its_search_rate_per_wall_clock_second(
    tmp_path: Path,
) -> None:
    """The search phase's IDIs per second were per second of the units' own seconds summed
    (two workers at once: half the rate); now per second of the units' span."""
    from assay import check_fairness

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    ) as cluster:
        result = check_fairness(
            dataset="adult",
            protected="sex",
            max_queries=4000,
            seed=2,
            units=2,
            executor="dask",
            scheduler=cluster.scheduler_address,
            store=tmp_path / "r.db",
            answer=False,
        )
    summary = result.summary
    search, units = summary["search"], summary["units"]
    assert search["seconds"] == units["search_wall_seconds"] > 0
    assert search["unit_seconds"] > 0  # the units' own seconds, summed, kept beside it
    rate = summary["metrics"]["IDIs per second of the search phase only"]
    assert rate == round(search["idis"] / search["seconds"])


def test_a_classifier_that_cannot_be_sent_to_the_workers_is_named(tmp_path: Path) -> None:
    """A text panel's classifier holding a lock: "the model cannot be sent", not which."""
    import threading

    from assay.errors import UsageError

    lock = threading.Lock()
    held = lambda texts: ["positive" if lock else "negative" for _ in texts]  # noqa: E731
    with pytest.raises(UsageError, match=r"the model \(the classifier 'model2'\) cannot be sent"):
        check_text(
            ["builtin:tfidf", held],
            grammar="builtin:reviews",
            max_queries=300,
            seed=1,
            units=2,
            executor="dask",
            workers=1,
            store=tmp_path / "r.db",
        )


_NO_ASSAY = """
import sys

class _Block:
    def find_spec(self, name, path=None, target=None):
        if name == "assay" or name.startswith("assay."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None

sys.meta_path.insert(0, _Block())
for name in [m for m in sys.modules if m == "assay" or m.startswith("assay.")]:
    del sys.modules[name]
"""


def test_workers_that_cannot_import_assay_are_named_before_any_unit(tmp_path: Path) -> None:
    """Such a worker died reading its first unit: "the Dask cluster has had no worker for
    30 s" after 30 s, and the user's cluster one worker short."""
    from assay import check_fairness
    from assay.errors import UsageError

    preload = tmp_path / "no_assay.py"
    preload.write_text(_NO_ASSAY)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0", preload=[str(preload)]
    ) as cluster:
        with pytest.raises(UsageError, match=r"cannot import assay: tcp://.*ModuleNotFound"):
            check_fairness(
                dataset="adult", protected="sex", max_queries=400, seed=1, units=2,
                executor="dask", scheduler=cluster.scheduler_address, store=tmp_path / "r.db",
            )  # fmt: skip
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 1  # the worker lives on


def test_workers_running_another_assay_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assay
    from assay import check_fairness
    from assay.errors import UsageError

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0"
    ) as cluster:
        monkeypatch.setattr(assay, "__version__", "9.9.9")  # (here only: workers import it)
        with pytest.raises(UsageError, match=r"run another assay than this one \(assay 9\.9\.9"):
            check_fairness(
                dataset="adult", protected="sex", max_queries=400, seed=1, units=2,
                executor="dask", scheduler=cluster.scheduler_address, store=tmp_path / "r.db",
            )  # fmt: skip
