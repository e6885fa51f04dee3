"""Every phase of a fairness run asks the model in batches, never a class at a time.

A Python pipeline converts each call to a DataFrame (1-5 ms a call), so a run that asks one
row per call takes minutes.  The case: an sklearn Pipeline on string categories whose
non-protected space is small (7,800 classes: age, workclass, hours), so that a budget of
20,000 queries or more covers it; the walk's proposals then were nearly all classes evaluated
before, and each round asked the model about one or two rows (2,354 calls for 38,432 rows,
80-150 s).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay

COLUMNS = ["age", "workclass", "sex", "race", "hours"]


def people(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "workclass": rng.choice(["Private", "State-gov", "Self-emp"], n),
            "sex": rng.choice(["Female", "Male"], n),
            "race": rng.choice(["Asian-Pac-Islander", "Black", "White"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    rich = (frame["hours"] > 40) & ((frame["sex"] == "Male") | (frame["age"] > 50))
    frame["income"] = np.where(rich, ">50K", "<=50K")
    return frame


class Counted:
    """Rows per call of a pipeline's predict and predict_proba."""

    def __init__(self, pipe: Pipeline) -> None:
        self.sizes: list[int] = []
        for name in ("predict", "predict_proba"):
            setattr(pipe, name, self._counting(getattr(pipe, name)))

    def _counting(self, method: Any) -> Any:
        def call(x: Any) -> Any:
            self.sizes.append(len(x))
            return method(x)

        return call


def pipeline(frame: pd.DataFrame) -> Pipeline:
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["workclass", "sex", "race"]),
            ("num", "passthrough", ["age", "hours"]),
        ]
    )
    pipe = Pipeline([("encode", encode), ("lr", LogisticRegression(max_iter=1000))])
    return pipe.fit(frame[COLUMNS], frame["income"])


@pytest.mark.parametrize(
    ("max_queries", "optimize"),
    [(20_000, "auto"), (20_000, "time"), (50_000, "auto"), (None, "auto")],
    ids=["20k", "20k-time", "50k", "default-budget"],
)
def test_a_pipeline_is_asked_in_batches_in_every_phase(
    tmp_path: Any, max_queries: int | None, optimize: str
) -> None:
    frame = people()
    pipe = pipeline(frame)
    counted = Counted(pipe)
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected="sex,race",
        label="income",
        max_queries=max_queries,
        optimize=optimize,
        seed=3,
        store=tmp_path / "runs.db",
    )
    assert result.n_findings > 100
    sizes = np.array(counted.sizes)
    # the search's rounds hold up to 64 classes (queries mode) or more, 2 variants each; a
    # round that finds mostly classes seen before is filled up with fresh ones: a few hundred
    # calls in all (one class per call would be several thousand)
    assert len(sizes) <= 300, (len(sizes), np.bincount(np.minimum(sizes, 64)))
    assert np.median(sizes) >= 16, np.bincount(np.minimum(sizes, 64))
    assert (sizes <= 4).sum() <= 10, np.bincount(np.minimum(sizes, 64))
    if max_queries != 20_000:  # a budget for every class (2 queries each): all evaluated
        space = frame["workclass"].nunique()
        for column in ("age", "hours"):
            space *= int(frame[column].max() - frame[column].min() + 1)
        assert result.summary["search"]["generated"] == space
