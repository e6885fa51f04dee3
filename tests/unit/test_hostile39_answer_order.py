"""hostile39: a function answering a pandas Series whose index is the batch's positions in
another order (a per-segment ``groupby().apply``, a ``sort_values`` before predicting) was
read by position: answers given to other inputs (226 of 276 findings did not fail when
replayed, the run calling the model steady).  Read in its index's order now, as pandas
reads it; any other index by position as before (hostile39b: an index of positions as whole floats
read in its order too; reordered pieces or runs refused: test_hostile39b_answer_index)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.models.answer_order import in_input_order


def _rule(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)


def _grouped(X: np.ndarray) -> pd.Series:
    """Answers per segment (sex), concatenated: each under its own row's index."""
    frame = pd.DataFrame(np.asarray(X, dtype=float))
    parts = [pd.Series(_rule(g.to_numpy()), index=g.index) for _, g in frame.groupby(8)]
    return pd.concat(parts)


def test_an_index_of_the_batchs_positions_in_another_order_is_read_in_its_order() -> None:
    s = pd.Series([10, 20, 30], index=[2, 0, 1])
    assert in_input_order(s, 3).tolist() == [20, 30, 10]
    frame = pd.DataFrame({"a": [0.1, 0.9], "b": [0.9, 0.1]}, index=[1, 0])
    assert in_input_order(frame, 2)["a"].tolist() == [0.9, 0.1]


@pytest.mark.parametrize(
    "index",
    [[0, 1, 2], ["b", "a", "c"], [5, 30, 4], [0, 0, 0], [10, 20, 30]],
    ids=["in order", "labels", "foreign numbers", "repeated", "increasing"],
)
def test_any_other_index_is_read_by_position(index: list[object]) -> None:
    s = pd.Series([10, 20, 30], index=index)
    assert in_input_order(s, 3) is s
    assert in_input_order(np.array([1, 2, 3]), 3).tolist() == [1, 2, 3]
    assert in_input_order(pd.Series([1, 2], index=[1, 0]), 3).tolist() == [1, 2]


@pytest.mark.slow
def test_a_model_answering_per_segment_finds_what_the_same_rule_does(tmp_path: Path) -> None:
    kw = {"dataset": "adult", "protected": "sex", "max_queries": 2000, "seed": 1}
    grouped = assay.check_fairness(_grouped, store=tmp_path / "g.db", **kw)
    plain = assay.check_fairness(_rule, store=tmp_path / "p.db", **kw)
    assert grouped.summary["determinism"]["confirmation"]["confirmation_rate"] == 1.0
    assert len(grouped.findings()) == len(plain.findings()) > 0
