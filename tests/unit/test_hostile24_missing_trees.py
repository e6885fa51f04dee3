"""hostile24: a run that tests missing values (``--missing value``) does not read the model's
trees, which its exact analysis would not use (their branches for a missing value are not
followed): reading them cost a booster's conversion to ONNX (seconds for 400 LightGBM
trees) and leaked a RuntimeWarning ("overflow encountered in cast")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay


def _data(n: int = 200) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"sex": rng.integers(0, 2, n), "income": rng.integers(0, 20, n).astype(float)}
    )
    frame.loc[rng.random(n) < 0.25, "income"] = np.nan
    y = ((frame["income"] > 10) | (frame["income"].isna() & (frame["sex"] == 1))).astype(int)
    return frame, y.to_numpy()


def test_a_run_testing_missing_values_never_reads_the_trees(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    import assay.models.trees as trees

    frame, y = _data()
    model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(frame, y)
    read: list[Any] = []
    real = trees.read_trees

    def recording(*args: Any, **kwargs: Any) -> Any:
        read.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(trees, "read_trees", recording)
    result = assay.check_fairness(
        model, data=frame, protected="sex", missing="value", max_queries=600, seed=1, exact=True
    )
    assert read == []
    (entry,) = result.summary["exact"]
    assert "the trees are not read" in entry["source"]
    assert entry["status"] == "exact"  # the small domain is still counted by asking the model
    # and a complete table's trees are read as before
    assay.check_fairness(
        model, data=frame.dropna(), protected="sex", max_queries=600, seed=1, exact=True
    )
    assert len(read) == 1
