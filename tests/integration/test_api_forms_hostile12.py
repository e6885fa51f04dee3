"""A notebook user's own forms through the Python API: arrays, integer column names,
missing values, labels; each a clear ``UsageError`` or a run that tests, never a crash or a
wall of data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError

pytestmark = pytest.mark.slow


def _depends_on_column_1(rows: object) -> np.ndarray:
    """Answers 1 exactly when the second column is 1: discriminates on it everywhere."""
    out: np.ndarray = (np.asarray(rows, dtype=np.float64)[:, 1] == 1).astype(np.int64)
    return out


_depends_on_column_1.classes_ = [0, 1]  # type: ignore[attr-defined]


def _frame(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({0: rng.integers(0, 50, n), 1: rng.integers(0, 2, n)})


def _refused(data: object, tmp_path: Path) -> str:
    """The usage error of a run on ``data`` protecting column 1."""
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            _depends_on_column_1,
            data=data,
            protected=[1],
            max_queries=200,
            store=tmp_path / "s.db",
        )
    return str(err.value)


def test_a_numpy_array_as_data_is_refused_by_its_type_not_by_its_contents(
    tmp_path: Path,
) -> None:
    array = _frame().to_numpy()
    text = _refused(array, tmp_path)
    assert "DataFrame" in text and "(200, 2)" in text
    assert len(text) < 400  # the array's values are not printed


def test_integer_column_names_can_be_protected_and_labels(tmp_path: Path) -> None:
    frame = _frame()
    frame[2] = frame[1]  # the true labels, an integer-named column
    result = assay.check_fairness(
        _depends_on_column_1,
        data=frame,
        protected=[1],
        label=2,
        max_queries=400,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings > 0
    assert result.untested is None


def test_a_missing_value_in_a_dataframe_is_named_by_its_index_with_what_to_do(
    tmp_path: Path,
) -> None:
    frame = _frame().astype({0: float})
    frame.index = [f"id{i}" for i in range(len(frame))]
    frame.iloc[[17, 40], 0] = np.nan
    text = _refused(frame, tmp_path)
    assert "'id17'" in text and "2 rows" in text and "dropna" in text
    assert "data:19" not in text  # a DataFrame has no file lines


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 600
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "hours": rng.integers(10, 60, n),
            "sex_m": rng.integers(0, 2, n),
        }
    )


def test_data_columns_in_another_order_than_the_models_are_matched_by_name(
    tmp_path: Path,
) -> None:
    """A tree fitted on (age, hours, sex_m) given the same columns as (sex_m, hours, age):
    each value must reach the column of its name (it reached the column at its position: the
    discrimination on sex_m was never seen, 'no discriminatory input found')."""
    from sklearn.tree import DecisionTreeClassifier

    frame = _people()
    labels = np.where((frame.sex_m == 1) & (frame.hours > 30), "yes", "no")
    tree = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    kw: dict[str, Any] = {"protected": ["sex_m"], "max_queries": 3000, "seed": 1}
    same = assay.check_fairness(tree, data=frame, store=tmp_path / "a.db", **kw)
    moved = frame[["sex_m", "hours", "age"]]
    other = assay.check_fairness(tree, data=moved, store=tmp_path / "b.db", **kw)
    assert same.n_findings > 0
    assert other.n_findings > 0
    found = other.findings()
    # every finding really is one: the model itself, asked by name, disagrees across sex_m
    answers = tree.predict(found[["age", "hours", "sex_m"]])
    assert (answers == found["prediction"].astype(str)).all()


def test_an_onnx_model_with_one_input_per_column_is_fed_by_name(tmp_path: Path) -> None:
    """The same for an ONNX graph whose inputs are the columns (skl2onnx from a DataFrame)."""
    pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    from skl2onnx.common.data_types import Int64TensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.tree import DecisionTreeClassifier

    frame = _people()
    labels = ((frame.sex_m == 1) & (frame.hours > 30)).astype(int)
    pick = ColumnTransformer([("all", "passthrough", list(frame.columns))])
    pipe = Pipeline([("pick", pick), ("tree", DecisionTreeClassifier(random_state=0))])
    pipe.fit(frame, labels)
    graph = skl2onnx.convert_sklearn(
        pipe,
        initial_types=[(c, Int64TensorType([None, 1])) for c in frame.columns],
        options={"zipmap": False},
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(graph.SerializeToString())
    moved = frame[["sex_m", "hours", "age"]]
    result = assay.check_fairness(
        str(path),
        data=moved,
        protected=["sex_m"],
        max_queries=3000,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings > 0


# (a column of ``Decimal`` numbers is read as numbers since hostile53c:
# tests/unit/test_hostile53c_object_numbers.py)
@pytest.mark.parametrize("kind", ["datetime64", "date"])
def test_a_date_column_is_refused_by_name_not_with_a_traceback(tmp_path: Path, kind: str) -> None:
    frame = _frame()
    days = pd.date_range("2020-01-01", periods=len(frame), freq="D")
    frame["when"] = {"datetime64": days, "date": [d.date() for d in days]}[kind]
    text = _refused(frame, tmp_path)
    assert "'when'" in text and "date" in text
    assert not (tmp_path / "s.db").exists() or not assay.RunStore(tmp_path / "s.db").list_runs()


def test_a_missing_true_label_is_said_to_be_missing(tmp_path: Path) -> None:
    frame = _frame()
    frame[2] = np.where(frame[1] == 1, "yes", "no").astype(object)
    frame.loc[5, 2] = np.nan

    def named(rows: object) -> np.ndarray:
        out: np.ndarray = np.where(_depends_on_column_1(rows) == 1, "yes", "no")
        return out

    named.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            named, data=frame, protected=[1], label=2, max_queries=200, store=tmp_path / "s.db"
        )
    assert "missing" in str(err.value) and "'nan'" not in str(err.value)


def test_data_whose_names_are_not_the_models_is_refused(tmp_path: Path) -> None:
    """Renamed and reordered (SEX_M, HOURS, AGE for age, hours, sex_m): nothing says which
    column is which, so the data is refused rather than handed over by position."""
    from sklearn.tree import DecisionTreeClassifier

    frame = _people()
    labels = np.where((frame.sex_m == 1) & (frame.hours > 30), "yes", "no")
    tree = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    moved = frame[["sex_m", "hours", "age"]].rename(columns=str.upper)
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            tree, data=moved, protected=["SEX_M"], max_queries=300, store=tmp_path / "s.db"
        )
    assert "SEX_M" in str(err.value) and "sex_m" in str(err.value)
