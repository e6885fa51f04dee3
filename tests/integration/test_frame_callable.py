"""A function written for a pandas DataFrame (``df["age"]``) given to the fairness test: it
failed on its probe (a numpy array of rows) with numpy's IndexError.  Now, when it answers
the same rows as a DataFrame with the data's column names, it is given DataFrames and the
run says so; failing both ways, the error says what it was given, in which column order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay import check_fairness
from assay.core.store import RunStore
from assay.errors import ModelError


def by_name(df: Any) -> np.ndarray:
    """Discriminates on sex, reading columns by name (as a DataFrame only can)."""
    return np.asarray(((df["age"] + 5 * df["sex"]) % 3 > 1).astype(int))


def by_position(x: Any) -> np.ndarray:
    """The same rule on a numpy array: age is column 0, sex column 8 of Adult's encoding."""
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] + 5 * x[:, 8]) % 3 > 1).astype(int)


def missing_column(df: Any) -> np.ndarray:
    return np.asarray(df["income_bracket"])


def test_a_function_written_for_a_dataframe_is_given_dataframes(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    args: dict[str, Any] = {"dataset": "adult", "protected": "sex", "max_queries": 1500}
    framed = check_fairness(by_name, seed=1, store=store, **args)
    plain = check_fairness(by_position, seed=1, store=store, **args)
    assert framed.n_findings > 0
    assert framed.n_findings == plain.n_findings  # the same model, read by name
    said = " ".join(framed.notes)
    assert "is given DataFrames" in said and "age, workclass" in said, said
    assert "names none of its columns" not in said  # it reads them by name
    assert "DataFrames" not in " ".join(plain.notes)


def test_a_function_failing_on_both_forms_says_what_it_was_given(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        check_fairness(
            missing_column, dataset="adult", protected="sex", max_queries=500, seed=1,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip
    said = str(err.value)
    assert "2-D numpy array of 2 rows" in said, said
    assert "age, workclass, fnlwgt" in said and "failed on a pandas DataFrame" in said, said
