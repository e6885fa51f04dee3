"""A model that gave one answer to everything tested nothing (exit 2, never a pass); the
reason names that answer as the user's classes read: a model of classes ``["no", "yes"]``
answering ``"no"`` to every input was said to have given "the same answer (0)" (the index
assay keeps), and a scikit-learn pipeline of classes ``approved``/``denied`` that always
denies "the same answer (0, 1)" (its probabilities, unlabelled)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.dummy import DummyClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.core.store import RunStore


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 70, 80),
            "sex": rng.choice(["Female", "Male"], 80),
            "hours": rng.integers(10, 60, 80),
        }
    )


def always_no(rows: object) -> list[str]:
    return ["no"] * len(rows)  # type: ignore[arg-type]


always_no.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_a_constant_function_is_named_by_its_label(tmp_path: Path) -> None:
    result = assay.check_fairness(
        always_no,
        data=_people(),
        protected="sex",
        max_queries=2_000,
        seed=0,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert not result.passed
    assert "NOTHING WAS TESTED" in result.headline, result.headline
    assert "the same answer ('no')" in result.headline, result.headline


def test_a_constant_pipeline_is_named_by_its_class_and_probabilities(tmp_path: Path) -> None:
    people = _people()
    labels = np.where(people["hours"] > 30, "approved", "denied")
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        DummyClassifier(strategy="constant", constant="denied"),
    ).fit(people, labels)
    result = assay.check_fairness(
        model,
        data=people,
        protected="sex",
        max_queries=2_000,
        seed=0,
        store=RunStore(tmp_path / "runs.db"),
    )
    assert not result.passed
    said = "the same answer ('denied', probabilities 0.000, 1.000)"
    assert said in result.headline, result.headline
