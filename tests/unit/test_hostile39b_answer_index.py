"""hostile39b: a pandas answer whose index is not the batch's positions.  What it says is
read: whole floats ``0..n-1`` in another order (a ``concat`` made them floats) are
positions, read in their order (before: by position, 276 findings of the rule's 1,452);
per-group answers whose index was reset and put together (``0..k, 0..m``), or a run
``k..k+n-1`` shuffled, say the rows were reordered in a way that cannot be undone: refused,
never read by position (before: 255 findings of 1,452, answers given to other inputs); the
user's labels, ids, dates, numbers in order: by position, as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import ModelError
from assay.models.answer_order import in_input_order


def test_whole_floats_naming_the_positions_are_read_in_their_order() -> None:
    s = pd.Series([10, 20, 30], index=[2.0, 0.0, 1.0])
    assert in_input_order(s, 3).tolist() == [20, 30, 10]


@pytest.mark.parametrize(
    ("index", "said"),
    [
        ([0, 1, 2, 0, 1], "counts from 0 again 2 times"),
        ([0.0, 1.0, 0.0, 1.0, 2.0], "counts from 0 again"),
        ([3, 1, 2, 5, 4], "is 1..5 in another order"),
    ],
    ids=["reset pieces", "reset pieces, floats", "shifted run"],
)
def test_an_index_of_reordered_rows_that_cannot_be_undone_is_refused(
    index: list[float], said: str
) -> None:
    with pytest.raises(ModelError, match=said) as refused:
        in_input_order(pd.Series(np.arange(5), index=index), 5)
    assert "in the order of the inputs" in str(refused.value)


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2020-01-01", periods=4),
        pd.Index(["id7", "id2", "id9", "id1"]),
        pd.Index([100, 7, 42, 3]),
        pd.Index([0, 0, 0, 0]),
        pd.Index([0, 1, 1, 0]),
    ],
    ids=["dates", "ids", "foreign numbers", "one value", "a feature's values"],
)
def test_an_index_that_names_no_positions_is_read_by_position(index: pd.Index) -> None:
    s = pd.Series([1, 2, 3, 4], index=index)
    assert in_input_order(s, 4) is s


def _rule(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)


def _reset_groups(X: np.ndarray) -> pd.Series:
    """Answers per segment (sex), each part's index reset, then put together."""
    frame = pd.DataFrame(np.asarray(X, dtype=float))
    return pd.concat([pd.Series(_rule(g.to_numpy())) for _, g in frame.groupby(8)])


@pytest.mark.slow
def test_a_run_of_reset_pieces_is_a_model_failure_not_wrong_findings(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="counts from 0 again"):
        assay.check_fairness(
            _reset_groups,
            dataset="adult",
            protected="sex",
            max_queries=3000,
            seed=1,
            store=tmp_path / "r.db",
        )
