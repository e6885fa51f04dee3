"""A probabilities model declaring no classes (a function answering three columns) on data
whose label column knows two outcomes was never checked against them: the class of its
third column was compared as a class, a change to it counted as discrimination (hostile51b).
It is now refused as a labels model answering a class outside the known outcomes is, and
runs once its classes are declared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(20, 60, 300), "sex": rng.integers(0, 2, 300)})
    return frame.assign(y=(frame["age"] > 40).astype(int))


def three(rows: pd.DataFrame) -> np.ndarray:
    """Three columns; the third leads for old men."""
    rows = pd.DataFrame(rows, columns=["age", "sex"])
    old_man = ((rows["age"] > 50) & (rows["sex"] == 1)).to_numpy()
    out = np.tile([0.6, 0.3, 0.1], (len(rows), 1))
    out[old_man] = [0.1, 0.2, 0.7]
    return out


def two(rows: pd.DataFrame) -> np.ndarray:
    return three(rows)[:, :2] / three(rows)[:, :2].sum(axis=1, keepdims=True)


def test_a_third_column_leading_is_refused_against_two_known_outcomes(tmp_path: Path) -> None:
    with pytest.raises(assay.ModelError) as refused:
        assay.check_fairness(
            three, _data(), protected="sex", label="y", max_queries=400, seed=1,
            store=tmp_path / "s.db",
        )  # fmt: skip
    said = str(refused.value)
    assert "gave its highest probability to class 2" in said
    assert "not one of the outcome classes 0, 1 known from the label column 'y'" in said
    assert "--classes 3" in said


def test_declared_or_within_the_outcomes_it_runs(tmp_path: Path) -> None:
    declared = assay.check_fairness(
        three, _data(), protected="sex", label="y", classes=3, max_queries=400, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    assert declared.n_findings > 0
    within = assay.check_fairness(
        two, _data(), protected="sex", label="y", max_queries=400, seed=1,
        store=tmp_path / "s.db",
    )  # fmt: skip
    assert within.status == "completed"
