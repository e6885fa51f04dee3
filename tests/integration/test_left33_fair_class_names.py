"""left33: a fairness run's class names read one way everywhere (fair32's Left).

``FairnessResult.class_names`` and the merge of a run's units read the data's label names
whenever the model's classes had no names of their own, whatever their count: a 3-class
model on adult (labels ``<=50K``, ``>50K``) had ``findings()`` columns ``p(<=50K)``,
``p(>50K)``, ``p(2)`` and predictions named so, and a run of units said ``<=50K`` in its
summary where the same run in one process said ``0``.  Both now read them as the run does
(``technique.class_names_of``: the label names only when they are as many as the classes).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import assay

SEX = 8  # adult's column


def three(x: np.ndarray) -> np.ndarray:
    """Three classes (no names of their own): the class moves with sex."""
    x = np.asarray(x, dtype=float)
    k = (x[:, SEX] > 0).astype(int) + (x[:, 0] > 40).astype(int)
    p = np.full((len(x), 3), 0.1)
    p[np.arange(len(x)), k] = 0.8
    return p


@pytest.mark.parametrize("units", [None, 2])
def test_a_three_class_models_classes_are_not_named_by_two_labels(
    tmp_path: Path, units: int | None
) -> None:
    result = assay.check_fairness(
        three, dataset="adult", protected=["sex"], max_queries=2000, seed=1,
        store=tmp_path / "r.db", units=units,
    )  # fmt: skip
    assert result.n_findings > 0, result.headline
    assert result.class_names is None
    found = result.findings()
    assert [c for c in found.columns if c.startswith("p(")] == ["p(0)", "p(1)", "p(2)"]
    assert set(found["prediction"].astype(str)) <= {"0", "1", "2"}
    said = json.dumps(result.summary)
    assert "<=50K" not in said and ">50K" not in said
