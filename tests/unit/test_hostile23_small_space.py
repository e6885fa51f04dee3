"""A small discrete space "covered" by the search must have been compared with every value of
a many-valued protected attribute (hostile23): with ranked variants (its own value and one
other), "space covered" and "no discriminatory input found" were said of a space where an
IDI stood between two values never compared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay

NATIONS = ["FR", "DE", "IT", "ES", "PT", "PL", "RO"]


def _grid() -> tuple[pd.DataFrame, np.ndarray]:
    """Every input of grade x city x married x nationality: 4 x 6 x 2 x 7; refused only for
    ES in grade 2 of city 3 (two classes of the 48; ES is no one's farthest value)."""
    g = np.array(np.meshgrid(range(4), range(6), range(2), range(7), indexing="ij"))
    g = g.reshape(4, -1).T
    frame = pd.DataFrame(
        {
            "grade": g[:, 0],
            "city": g[:, 1],
            "married": g[:, 2],
            "nationality": np.array(NATIONS)[g[:, 3]],
        }
    )
    y = np.where((g[:, 0] == 2) & (g[:, 1] == 3) & (g[:, 3] == 3), "refused", "granted")
    return frame, y


def _model() -> DecisionTreeClassifier:
    frame, y = _grid()
    x = frame.assign(nationality=frame["nationality"].map(NATIONS.index)).to_numpy()
    return DecisionTreeClassifier(random_state=0).fit(x, y)


def test_a_covered_small_space_was_compared_with_every_protected_value(tmp_path: Path) -> None:
    frame, _ = _grid()
    model = _model()
    coded = frame.assign(nationality=frame["nationality"].map(NATIONS.index))
    result = assay.check_fairness(
        model,
        data=coded,
        protected=["nationality"],
        max_queries=20_000,
        seed=1,
        exact=False,
        answer=False,
        determinism_check=False,
        store=tmp_path / "runs.db",
    )
    assert result.summary["stop_reason"] == "space covered"
    assert result.n_findings == 2  # both classes, each between ES and every other value


def test_a_space_the_budget_cannot_compare_fully_says_so(tmp_path: Path) -> None:
    frame, _ = _grid()
    coded = frame.assign(nationality=frame["nationality"].map(NATIONS.index))
    result = assay.check_fairness(
        _model(),
        data=coded,
        protected=["nationality"],
        max_queries=300,  # 48 classes x 7 values: 336
        seed=1,
        exact=False,
        answer=False,
        determinism_check=False,
        store=tmp_path / "runs.db",
    )
    assert result.summary["stop_reason"] == (
        "space covered, each input compared with 1 of the 6 other protected values"
    )
