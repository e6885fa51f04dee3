"""mutation25: an ONNX tree's equality splits (``BRANCH_EQ``, ``BRANCH_NEQ``) with a missing
value: NaN == v is false and NaN != v true, so onnxruntime sends NaN the false way of an
equality and the true way of an inequality, or the true way of either where
``nodes_missing_value_tracks_true`` says so; the trees as read must do the same (each
equality is a 0/1 column of its own, NaN where the value is missing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier
from test_missing24b_exact_missing import DISCRETE, GRID, _brute_force, _classes, _data, _read

from assay.fairness.exact import analyse
from assay.models import load_model


@pytest.mark.parametrize("tracks", [0, 1])
@pytest.mark.parametrize("modes", ["BRANCH_EQ", "BRANCH_NEQ", "both"])
def test_equality_splits_send_a_missing_value_where_onnxruntime_does(
    modes: str, tracks: int, tmp_path: Path
) -> None:
    onnx = pytest.importorskip("onnx")
    skl2onnx = pytest.importorskip("skl2onnx")
    x, y = _data(False)
    est = DecisionTreeClassifier(random_state=0, max_depth=4).fit(x, y)
    onx = skl2onnx.to_onnx(est, x[:1].astype(np.float32), options={id(est): {"zipmap": False}})
    node = next(n for n in onx.graph.node if n.op_type == "TreeEnsembleClassifier")
    attrs = {a.name: a for a in node.attribute}
    old = [m.decode() for m in attrs["nodes_modes"].strings]
    split = [i for i, m in enumerate(old) if m != "LEAF"]
    new = list(old)
    for k, i in enumerate(split):
        new[i] = modes if modes != "both" else ("BRANCH_EQ", "BRANCH_NEQ")[k % 2]
    values = [float(np.floor(v)) for v in attrs["nodes_values"].floats]  # codes to equal
    drop = ("nodes_modes", "nodes_values", "nodes_missing_value_tracks_true")
    kept = [a for a in node.attribute if a.name not in drop]
    del node.attribute[:]
    node.attribute.extend(kept)
    node.attribute.append(onnx.helper.make_attribute("nodes_modes", new))
    node.attribute.append(onnx.helper.make_attribute("nodes_values", values))
    node.attribute.append(
        onnx.helper.make_attribute("nodes_missing_value_tracks_true", [tracks] * len(old))
    )
    path = tmp_path / "equal.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(path)
    trees = _read(model, DISCRETE)
    classes = _classes(model, DISCRETE)
    assert np.array_equal(trees.predict_encoded(GRID), classes(GRID))
    result = analyse(DISCRETE, trees, "s")
    truth = _brute_force(classes, GRID, np.ones(len(GRID)))
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)
