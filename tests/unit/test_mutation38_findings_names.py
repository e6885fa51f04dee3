"""mutation38: a user's column named as one of assay's (hostile37) with a model answering
labels by name, or probabilities: the user's ``prediction`` and ``p(CLASS)`` keep their
values, assay's take `` (assay)`` (FR6, FR8 in bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import assay


def _data(column: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame(
        {
            "idi": rng.integers(0, 5, n),
            "sex": rng.choice(["F", "M"], n),
            column: rng.normal(size=n).round(3),
        }
    )


def _yes(x: object) -> np.ndarray:
    rows = np.asarray(x, dtype=object)
    return np.array([float(r[1] == "M" and float(r[2]) > 0) for r in rows])


def _names(x: object) -> np.ndarray:
    return np.where(_yes(x) > 0, "yes", "no")


def _proba(x: object) -> np.ndarray:
    a = _yes(x)
    return np.stack([1 - a, a], axis=1)


def _findings(model: object, column: str, tmp_path: Path) -> pd.DataFrame:
    """The run's findings; a frame of no IDI (``limit=0``) has the same columns and dtypes
    (FR9, FR12: code written on a run's IDIs runs on a clean run's)."""
    df = _data(column)
    r = assay.check_fairness(
        model, df, protected="sex", classes="no,yes", max_queries=300, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    assert r.n_findings > 0
    frame: pd.DataFrame = r.findings()
    empty = r.findings(limit=0)
    assert list(empty.columns) == list(frame.columns)
    # (FR12) and the dtypes: assay's moved ``idi (assay)`` whole numbers, not objects
    assert frame["idi (assay)"].min() == 1  # (FR19: numbered from 1, as the reports)
    for name in ("idi (assay)", "variant", "generated", "idi"):
        assert empty[name].dtype == frame[name].dtype, (name, empty.dtypes, frame.dtypes)
    # the user's values (a normal draw, a neighbour of one), never the model's answers
    assert not set(frame[column]).issubset({"no", "yes", 0.0, 1.0}), frame[column]
    return frame


def test_a_users_prediction_beside_a_model_answering_names(tmp_path: Path) -> None:
    frame = _findings(_names, "prediction", tmp_path)
    assert set(frame["prediction (assay)"]) == {"no", "yes"}


def test_a_users_probability_column_beside_a_model_answering_probabilities(
    tmp_path: Path,
) -> None:
    frame = _findings(_proba, "p(yes)", tmp_path)
    assert set(frame["p(yes) (assay)"]) == {0.0, 1.0}
    assert "p(no)" in frame.columns and "prediction" in frame.columns
