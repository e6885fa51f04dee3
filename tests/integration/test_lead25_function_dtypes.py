"""A function written for a DataFrame gets the user's own column dtypes back (category,
Int64, float32), as the model inside it was fitted on; a dtype that would change a value of
the domain is never applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay
from assay.fairness.frame_dtypes import frame_dtypes, merged_steady
from assay.fairness.schema import Feature, Schema


def _people(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": pd.array(rng.integers(18, 80, n), dtype="Int64"),
            "job": pd.Categorical(rng.choice(["clerk", "nurse", "pilot"], n)),
            "sex": pd.Categorical(rng.choice(["F", "M"], n)),
            "income": rng.normal(50, 10, n).astype("float32"),
        }
    )


def test_a_function_using_category_codes_gets_the_users_dtypes(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []

    def predict(x: pd.DataFrame) -> Any:
        seen.append({c: str(t) for c, t in x.dtypes.items()})
        # written for the user's frame: category codes and nullable integers
        job = x["job"].cat.codes.to_numpy()
        older = (x["age"] > 40).to_numpy(dtype=bool, na_value=False)
        return ((job == 2) & older & (x["sex"] == "M").to_numpy()).astype(int)

    result = assay.check_fairness(
        predict,
        data=_people(),
        protected="sex",
        max_queries=1500,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert result.n_findings > 0  # the planted bias (male pilots over 40) is found
    assert seen and all(
        s == {"age": "Int64", "job": "category", "sex": "category", "income": "float32"}
        for s in seen
    ), seen[:3]


def test_a_dtype_that_would_change_a_value_is_not_applied() -> None:
    schema = Schema(
        (
            Feature("job", "categorical", categories=("clerk", "nurse", "pilot")),
            Feature("n", "integer", low=0, high=300),
            Feature("age", "integer", low=18, high=90),
            Feature("rate", "continuous", low=0.0, high=1.0),
            Feature("plain", "integer", low=0, high=5),
        ),
        protected=("job",),
    )
    user = {
        "job": pd.CategoricalDtype(["clerk", "nurse"]),  # 'pilot' would become NaN
        "n": np.dtype("int8"),  # 300 does not fit
        "age": pd.Int64Dtype(),
        "rate": np.dtype("float32"),
        "plain": np.dtype("int64"),  # what pandas infers anyway
    }
    got = frame_dtypes(schema, user)
    assert set(got) == {"age", "rate"}
    user["job"] = pd.CategoricalDtype(["clerk", "nurse", "pilot", "chef"])
    assert "job" in frame_dtypes(schema, user)


def test_a_column_that_may_be_missing_keeps_a_dtype_that_holds_it() -> None:
    given = {"age": pd.Int64Dtype(), "n": np.dtype("int8"), "job": pd.CategoricalDtype(["a"])}
    steady = {"age": np.dtype("float64"), "n": np.dtype("float64"), "job": np.dtype(object)}
    got = merged_steady(given, steady)
    assert got["age"] == pd.Int64Dtype()
    assert got["job"] == pd.CategoricalDtype(["a"])
    assert got["n"] == np.dtype("float64")  # an int8 cannot hold a missing value
