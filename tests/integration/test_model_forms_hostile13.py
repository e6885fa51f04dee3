"""Named columns as real pipelines give them (thirteenth session): ONNX graphs with one input
per column, schema files that rename a model's columns, numbered input names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError
from assay.fairness.tabular_io import infer_schema


def _people() -> pd.DataFrame:
    """600 people: age, hours, sex_m (the bias planted on sex_m by the labels)."""
    rng = np.random.default_rng(0)
    bounds = {"age": (18, 80), "hours": (10, 60), "sex_m": (0, 2)}
    return pd.DataFrame({c: rng.integers(lo, hi, 600) for c, (lo, hi) in bounds.items()})


def _onnx_per_column(tmp_path: Path, frame: pd.DataFrame, names: list[str]) -> str:
    """A tree discriminating on sex_m, as an ONNX graph taking one input per column, its
    inputs named ``names`` (in the frame's column order)."""
    pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    from skl2onnx.common.data_types import Int64TensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.tree import DecisionTreeClassifier

    x = frame.set_axis(names, axis=1)
    labels = ((frame.sex_m == 1) & (frame.hours > 30)).astype(int)
    pick = ColumnTransformer([("all", "passthrough", names)])
    pipe = Pipeline([("pick", pick), ("tree", DecisionTreeClassifier(random_state=0))])
    pipe.fit(x, labels)
    graph = skl2onnx.convert_sklearn(
        pipe,
        initial_types=[(c, Int64TensorType([None, 1])) for c in names],
        options={"zipmap": False},
    )
    path = tmp_path / "m.onnx"
    path.write_bytes(graph.SerializeToString())
    return str(path)


def test_an_onnx_graph_whose_inputs_are_named_otherwise_is_refused(tmp_path: Path) -> None:
    """Inputs age, hours, sex_m given data with sex_m renamed gender (and moved): the graph
    was fed by position, gender reaching age, and the discrimination never seen."""
    frame = _people()
    model = _onnx_per_column(tmp_path, frame, list(frame.columns))
    moved = frame[["sex_m", "hours", "age"]].rename(columns={"sex_m": "gender"})
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            model, data=moved, protected="gender", max_queries=300, store=tmp_path / "s.db"
        )
    text = str(err.value)  # the argument named as the caller wrote it (data=)
    assert "gender" in text and "sex_m" in text and err.value.argument == "data"


def test_an_onnx_graph_with_numbered_inputs_is_fed_by_position(tmp_path: Path) -> None:
    """f0, f1, f2 (what converters name the inputs of a model fitted on a matrix) say only
    the order: the data's columns go by position, and the planted bias is found."""
    frame = _people()
    model = _onnx_per_column(tmp_path, frame, ["f0", "f1", "f2"])
    result = assay.check_fairness(
        model, data=frame, protected="sex_m", max_queries=2000, seed=1, store=tmp_path / "s.db"
    )
    assert result.n_findings > 0


@pytest.mark.parametrize("moved", [False, True])
def test_a_schema_that_renames_a_models_columns_is_refused(tmp_path: Path, moved: bool) -> None:
    """A scikit-learn tree fitted on (age, hours, sex_m) given a schema naming them (age,
    hours, gender), or (gender, hours, age): by position, gender reached age (moved) and
    nothing was found where the model discriminates; which is which is unknown."""
    from sklearn.tree import DecisionTreeClassifier

    frame = _people()
    labels = np.where((frame.sex_m == 1) & (frame.hours > 30), "yes", "no")
    tree = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    renamed = frame.rename(columns={"sex_m": "gender"})
    if moved:
        renamed = renamed[["gender", "hours", "age"]]
    schema = infer_schema(renamed, protected=("gender",))
    for given in (schema, _schema_file(tmp_path, schema)):
        with pytest.raises(UsageError) as err:
            assay.check_fairness(tree, schema=given, max_queries=300, store=tmp_path / "s.db")
        assert "gender" in str(err.value) and "sex_m" in str(err.value)
        assert err.value.argument in ("--schema", "schema")
    # the same schema with the model's names is searched (and finds the bias)
    good = infer_schema(frame, protected=("sex_m",))
    result = assay.check_fairness(
        tree, schema=good, max_queries=2000, seed=1, store=tmp_path / "t.db"
    )
    assert result.n_findings > 0


def _schema_file(tmp_path: Path, schema: object) -> str:
    import json

    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema.to_json()))  # type: ignore[attr-defined]
    return str(path)


def test_a_protected_attribute_the_model_does_not_take_is_said_so(tmp_path: Path) -> None:
    """The model was fitted without sex_m; the data has it and the label: the advice was
    'the true label? give --label sex_m' (the label was given, sex_m is protected)."""
    from sklearn.tree import DecisionTreeClassifier

    frame = _people()
    frame["label"] = (frame.hours > 30).astype(int)
    tree = DecisionTreeClassifier(random_state=0).fit(frame[["age", "hours"]], frame.label)
    with pytest.raises(UsageError) as err:
        assay.check_fairness(
            tree,
            data=frame,
            protected="sex_m",
            label="label",
            max_queries=300,
            store=tmp_path / "s.db",
        )
    text = str(err.value)
    assert "does not take the protected attribute 'sex_m'" in text
    assert "--label" not in text
