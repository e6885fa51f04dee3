"""The one-class rule of a fairness run (``phases._one_class``) holds only where it should
(bench/RESULTS.md, mutation33's table: mutants FC1, FC3 and FC5 survived the tests merged
with the rule): a run comparing probabilities is judged by them, and a model whose classes
vary is never said to give one class."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore
from assay.errors import UsageError

from test_fair31_notebook import _people, _pipe  # isort: skip
from test_fair32_fairness import _DeniesEveryone  # isort: skip


@pytest.fixture(scope="module")
def frame() -> tuple[Any, pd.DataFrame]:
    df, y = _people()
    return _pipe(df, y), df


def _check(model: Any, df: pd.DataFrame, store: Path, **options: Any) -> Any:
    return assay.check_fairness(
        model, df, protected="sex", max_queries=1500, store=store, seed=1, **options
    )


def test_one_class_compared_by_probabilities_is_tested(frame: Any, tmp_path: Path) -> None:
    """With --threshold the run compares probabilities: a model giving one class, whose
    probabilities move less than the threshold with sex, was tested and passed."""
    model, df = frame
    denies = _DeniesEveryone(model, list(df.columns))
    r = _check(denies, df, tmp_path / "r.db", threshold=0.5)
    assert r.n_findings == 0
    assert r.untested is None, r.untested
    assert r.passed


class _ByHours:
    """Approves by hours alone, whatever the sex: its classes vary, no input is unfair."""

    classes_ = np.array(["approved", "denied"])

    def __init__(self, columns: list[str]) -> None:
        self.feature_names_in_ = np.array(columns)

    def predict_proba(self, x: Any) -> np.ndarray:
        hours = np.asarray(pd.DataFrame(x)["hours"], dtype=np.float64)
        p = 1.0 / (1.0 + np.exp(-(hours - 38.0)))
        return np.stack([p, 1 - p], axis=1)

    def predict(self, x: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(x).argmax(axis=1)]


def test_a_fair_model_whose_classes_vary_passes(frame: Any, tmp_path: Path) -> None:
    _, df = frame
    r = _check(_ByHours(list(df.columns)), df, tmp_path / "r.db")
    assert r.n_findings == 0
    assert r.untested is None, r.untested
    assert r.passed


def test_a_favourable_class_not_the_models_is_refused_before_a_run_with_the_answer_off(
    frame: Any, tmp_path: Path
) -> None:
    """Refused as the model is loaded (mutant FV6: refused only by the group metrics, once
    the run was made: a failed run left in the store)."""
    model, df = frame
    store = tmp_path / "r.db"
    with pytest.raises(UsageError, match="'granted' is not one of the model's classes"):
        _check(
            model, df.assign(outcome=_people()[1]), store, label="outcome",
            favourable="granted", answer=False,
        )  # fmt: skip
    if store.exists():
        with RunStore(store, read_only=True) as s:
            assert not s.list_runs()


class _SlightlyBySex(_ByHours):
    """``_ByHours`` whose probability of 'approved' is 0.02 higher for men: it reads sex."""

    def predict_proba(self, x: Any) -> np.ndarray:
        p = super().predict_proba(x)[:, 0] * 0.96
        p = p + 0.02 * (np.asarray(pd.DataFrame(x)["sex"]) == "Male")
        return np.stack([p, 1 - p], axis=1)


def test_probabilities_that_move_a_little_with_the_attribute_are_no_unmoved_model(
    frame: Any, tmp_path: Path
) -> None:
    """The answer's note "did not change with sex" is for probabilities that never move at
    all (mutant UM1: moved less than 0.5, and a model reading sex was said not to)."""
    _, df = frame
    r = _check(_SlightlyBySex(list(df.columns)), df, tmp_path / "r.db")
    (row,) = r.summary["verdict"]
    assert "unmoved" not in row
    assert not any("did not change with sex" in n for n in r.notes)


def test_a_run_without_the_answer_says_nothing_of_its_samples(frame: Any, tmp_path: Path) -> None:
    """A 52-valued protected ``age`` under ``max_queries=3000`` with the answer off: no
    answer, no note of its samples bounded (mutant BN1: said among the run's notes)."""
    model, df = frame
    r = assay.check_fairness(
        model, df, protected="age", max_queries=3000, store=tmp_path / "r.db", seed=1,
        answer=False,
    )  # fmt: skip
    assert not any("its samples are bounded" in n for n in r.notes), r.notes
    assert "its samples are bounded" not in r.headline
