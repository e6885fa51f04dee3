"""A run split into units with ``--estimate`` gives one answer (the share, its verdict, the
favoured value) whatever the executor.  The answer reused the estimate's first inputs kept
in this process: in-process units filled them, a Dask worker's estimate never reached it, so
the same seed and units answered 2.14 % (the male variant favoured) in process and 2.18 %
(the female variant) on Dask, and a run killed in its answer finished with the latter.  A
run of units now draws the answer's own inputs wherever its units ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.api import check_fairness
from assay.core.store import RunStore
from assay.datasets import load_dataset
from assay.fairness.phases import keep_estimate_samples

pytest.importorskip("distributed")


def test_a_run_of_units_keeps_no_estimate_inputs_for_its_answer() -> None:
    setup: Any = type("S", (), {})()
    setup.test = type("T", (), {"estimate": True, "kept": None})()
    options = type("O", (), {"enabled": True, "samples": 500})()
    keep_estimate_samples(setup, options, None, {"units": 2, "executor": "process"})
    assert setup.test.kept is None
    keep_estimate_samples(setup, options, None, {"executor": "process"})
    assert setup.test.kept is not None  # one search in process: kept, as before


def test_the_answer_of_an_estimate_run_of_units_is_the_same_in_process_and_on_dask(
    tmp_path: Path,
) -> None:
    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)
    store = RunStore(tmp_path / "runs.db")
    kw: dict[str, Any] = dict(
        dataset="adult", protected="sex", max_queries=12_000, seed=3, store=store, units=2,
        estimate=True, exact=False,
    )  # fmt: skip
    here = check_fairness(tree, **kw)
    there = check_fairness(tree, executor="dask", workers=2, **kw)
    assert here.n_findings == there.n_findings > 0
    for key in ("verdict", "direction", "model_queries"):
        assert here.summary[key] == there.summary[key], key
    a, b = here.summary["verdict"][0], there.summary["verdict"][0]
    assert np.isclose(a["share_uniform"], b["share_uniform"])
