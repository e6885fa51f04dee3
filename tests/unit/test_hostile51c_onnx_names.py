"""An ONNX graph converted by skl2onnx from a Pipeline fitted on columns named with spaces,
a leading digit or a hyphen (hostile51c): skl2onnx names its inputs ``hours_per_week``,
``_7_race``, ``native_country``, and the graph was refused on the data it was fitted on
("which is which is unknown"); it is fed by position, so the data's own names are read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.fairness.written_names import as_written


def _frame(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    sex = rng.choice(["F", "M"], n)
    frame = pd.DataFrame(
        {
            "hours per week": rng.integers(10, 60, n).astype(np.float32),
            "7 race": rng.choice(["A", "B"], n),
            "Geschlecht ü": sex,
            "native-country": rng.choice(["x", "y"], n),
        }
    )
    return frame.assign(label=np.where((sex == "M") & (frame["hours per week"] > 30), 1, 0))


def _onnx(frame: pd.DataFrame, folder: Path) -> Path:
    pytest.importorskip("onnxruntime")
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    texts = ["7 race", "Geschlecht ü", "native-country"]
    pipe = Pipeline(
        [
            ("ct", ColumnTransformer([("c", OneHotEncoder(), texts)], remainder="passthrough")),
            ("m", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ]
    ).fit(frame.drop(columns="label"), frame["label"])
    types = [
        (c, StringTensorType([None, 1]) if c in texts else FloatTensorType([None, 1]))
        for c in frame.columns[:-1]
    ]
    graph = convert_sklearn(pipe, initial_types=types, options={id(pipe[-1]): {"zipmap": False}})
    path = folder / "m.onnx"
    path.write_bytes(graph.SerializeToString())
    return path


def test_skl2onnx_names_are_read_as_the_datas_columns(tmp_path: Path) -> None:
    import assay

    frame = _frame()
    path = _onnx(frame, tmp_path)
    import onnx

    ports = [i.name for i in onnx.load(str(path)).graph.input]
    assert ports == ["hours_per_week", "_7_race", "Geschlecht_ü", "native_country"]
    result = assay.check_fairness(
        str(path),
        frame,
        protected="Geschlecht ü",
        label="label",
        max_queries=1500,
        seed=1,
        store=tmp_path / "st.db",
    )
    assert result.n_findings > 0 and not result.passed
    found = result.findings(limit=4)
    assert "Geschlecht ü" in found.columns and "7 race" in found.columns
    assert set(found["Geschlecht ü"]) <= {"F", "M"}


def test_the_rule_is_the_graphs_alone_and_leaves_two_candidates_as_they_are() -> None:
    from assay.models.onnx import OnnxModel

    graph = OnnxModel.__new__(OnnxModel)
    names = ["a b", "a-b", "7 x", "c+d"]
    # ("a b" and "a-b" are both "a_b": which one is unknown, left as the graph names it)
    assert as_written(["a_b", "_7_x", "c+d"], names, graph) == ["a_b", "7 x", "c+d"]
    assert as_written(["_7_x"], names, object()) == ["_7_x"]
