"""A model of a table given to ``assay text`` (the wrong file for the argument): a skops
pipeline fitted on four columns, or an ONNX graph of one input per column.  A run was made,
its first batch failed ("Expected 2D array, got 1D array", exit 3; the ONNX graph: exit 2)
and the run was left failed, with "once the problem is fixed, continue with: assay resume
RUN": no resume could fix a model of the wrong kind.  Both are refused while loading, exit
2, naming the columns, no run made."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea"\nA -> "good" | "bad"\n'


def _people() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, 80),
            "sex": rng.choice(["F", "M"], 80),
            "hours": rng.integers(10, 60, 80).astype(np.float32),
        }
    )
    return frame, ((frame["sex"] == "M") & (frame["hours"] > 30)).to_numpy().astype(int)


def _skops(tmp_path: Path) -> Path:
    frame, labels = _people()
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        DecisionTreeClassifier(random_state=0),
    ).fit(frame, labels)
    sio.dump(model, tmp_path / "table.skops")
    return tmp_path / "table.skops"


def _onnx(tmp_path: Path) -> Path:
    pytest.importorskip("skl2onnx")
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    frame, labels = _people()
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        DecisionTreeClassifier(random_state=0),
    ).fit(frame, labels)
    kinds = [
        ("age", Int64TensorType([None, 1])),
        ("sex", StringTensorType([None, 1])),
        ("hours", FloatTensorType([None, 1])),
    ]
    graph = to_onnx(model, initial_types=kinds, options={id(model): {"zipmap": False}})
    (tmp_path / "table.onnx").write_bytes(graph.SerializeToString())
    return tmp_path / "table.onnx"


@pytest.mark.parametrize("make", [_skops, _onnx])
def test_a_model_of_a_table_is_refused_as_a_text_classifier(tmp_path: Path, make: object) -> None:
    model = make(tmp_path)  # type: ignore[operator]
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    store = tmp_path / "runs.db"
    result = CliRunner().invoke(
        app,
        [
            "text", str(model), "--grammar", str(tmp_path / "g.cfg"), "--oracle", "directional",
            "--max-queries", "200", "--store", str(store),
        ],
    )  # fmt: skip
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert "not of text" in said and "age" in said and "sex" in said, said
    assert not store.exists() or not RunStore(store, read_only=True).list_runs(), said
