"""hostile53c #10: a target left in the frame beside a model that names none of its columns
was searched as one more feature, and nothing said it looked like the label.  Now a column
named like one (income, target, label, y, class) or agreeing with the model's answers on
the data rows asked at loading is named in a warning, with what to do."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from assay import check_fairness

_RNG = np.random.default_rng(0)
_AGE = _RNG.integers(18, 70, 200)
_FRAME = pd.DataFrame(
    {
        "age": _AGE,
        "sex": _RNG.choice(["F", "M"], 200),
        "hours": _RNG.integers(10, 60, 200),
    }
)


def _by_age(X: Any) -> np.ndarray:  # (a function of a numpy array: its columns by position)
    return (np.asarray(X)[:, 0].astype(float) > 40).astype(int)


def _warned(data: pd.DataFrame, **given: Any) -> list[str]:
    result = check_fairness(
        _by_age, data, protected=["sex"], classes=[0, 1], max_queries=300, seed=0, **given
    )
    return [w for w in result.warnings if "look like the true label" in w]


def test_a_column_agreeing_with_the_answers_is_named_with_what_to_do() -> None:
    data = _FRAME.assign(outcome=np.where(_AGE > 40, ">50K", "<=50K"))
    said = _warned(data)
    assert len(said) == 1, said
    assert "'outcome' (its values agree with the model's answers on 100%" in said[0]
    assert "label='outcome' in Python, --label outcome on the command line" in said[0]
    assert "--drop outcome" in said[0]


def test_a_column_named_like_a_label_is_named() -> None:
    said = _warned(_FRAME.assign(income=_RNG.choice(["a", "b"], 200)))
    assert len(said) == 1 and "'income' (named like a label)" in said[0], said


def test_a_function_of_a_dataframe_given_the_label_too_is_told() -> None:
    def by_name(X: pd.DataFrame) -> np.ndarray:  # (fails on a numpy array: given DataFrames)
        return np.asarray((X["age"] > 40).astype(int))

    data = _FRAME.assign(target=np.where(_AGE > 40, "y", "n"))
    result = check_fairness(
        by_name, data, protected=["sex"], classes=[0, 1], max_queries=300, seed=0
    )
    said = [w for w in result.warnings if "look like the true label" in w]
    assert len(said) == 1 and "'target' (named like a label; its values agree" in said[0], said


def test_no_word_when_the_label_is_named_or_nothing_looks_like_one() -> None:
    assert _warned(_FRAME.assign(outcome=(_AGE > 40).astype(int)), label="outcome") == []
    assert _warned(_FRAME) == []  # (hours, age: many values; sex: protected)


def test_agreement_pairs_values_one_to_one() -> None:
    from assay.fairness.label_like import agreement

    answers = np.array([0, 0, 1, 1, 1])
    assert agreement(np.array([5.0, 5.0, 7.0, 7.0, 7.0]), answers) == 1.0
    assert agreement(np.array([7.0, 7.0, 5.0, 5.0, 5.0]), answers) == 1.0  # (either way round)
    assert agreement(np.array([5.0, 5.0, 5.0, 5.0, 5.0]), answers) == 0.0  # (one value)
    assert agreement(np.array([1.0, 2.0, 3.0, 3.0, 3.0]), answers) == 0.0  # (two to one answer)
