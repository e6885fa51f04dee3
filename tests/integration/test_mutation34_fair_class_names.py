"""A fairness result's class names are the data's label names where the model's classes
have none and are as many (mutation34: mutant CN3, ``FairnessResult.class_names`` the
model's own names alone, survived left33's tests, of a 3-class model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import assay

SEX = 8  # adult's column


def two(x: np.ndarray) -> np.ndarray:
    """Two classes (no names of their own): the class moves with sex."""
    x = np.asarray(x, dtype=float)
    k = ((x[:, SEX] > 0) ^ (x[:, 0] > 40)).astype(int)
    p = np.full((len(x), 2), 0.2)
    p[np.arange(len(x)), k] = 0.8
    return p


def test_a_two_class_models_classes_are_named_by_the_datas_two_labels(tmp_path: Path) -> None:
    result = assay.check_fairness(
        two, dataset="adult", protected=["sex"], max_queries=600, seed=1, store=tmp_path / "r.db"
    )
    assert result.class_names == ("<=50K", ">50K"), result.class_names
    assert result.n_findings > 0
    found = result.findings()
    assert [c for c in found.columns if c.startswith("p(")] == ["p(<=50K)", "p(>50K)"]
