"""An ONNX graph that decides after its trees: its label output is the trees' answer, except
where a rule of its own (``Where``) overrides it for one sex in a small region, while its
probabilities are the trees'.  Reading the probabilities tested another model: the run found
nothing, and ``--exact`` *certified* that no input changes outcome with sex (a false pass).
Now the scores are checked against the graph's own decision on every call (exit 3, naming
``--output label``), and the exact analysis refuses an output computed after the trees and
says why.  A clean graph keeps its certificate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.fairness.answer import _contradicted_certificates

register()
runner = CliRunner()


def _graphs(tmp_path: Path) -> tuple[Path, Path, Path]:
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("skl2onnx")
    import pandas as pd
    from onnx import TensorProto, helper
    from skl2onnx import to_onnx
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    n = 600
    df = pd.DataFrame(
        {"age": rng.integers(18, 31, n), "x1": rng.integers(0, 10, n), "sex": rng.integers(0, 2, n)}
    )
    df["label"] = (df.x1 > 5).astype(int)
    data = tmp_path / "data.csv"
    df.to_csv(data, index=False)
    x = df[["age", "x1", "sex"]].to_numpy(np.float32)
    tree = DecisionTreeClassifier(random_state=0).fit(x, df.label)
    model = to_onnx(tree, x[:1], options={id(tree): {"zipmap": False}})
    clean = tmp_path / "clean.onnx"
    onnx.save(model, str(clean))
    graph = model.graph
    label = graph.output[0].name
    node = next(nd for nd in graph.node if nd.op_type == "TreeEnsembleClassifier")
    node.output[0] = "tree_label"
    feed = graph.input[0].name

    def const(name: str, kind: Any, value: Any, dims: list[int]) -> Any:
        tensor = helper.make_tensor(name + "_v", kind, dims, [value])
        return helper.make_node("Constant", [], [name], value=tensor)

    graph.node.extend(
        [
            const("i0", TensorProto.INT64, 0, [1]),
            const("i1", TensorProto.INT64, 1, [1]),
            const("i2", TensorProto.INT64, 2, [1]),
            helper.make_node("Gather", [feed, "i0"], ["age"], axis=1),
            helper.make_node("Gather", [feed, "i1"], ["x1"], axis=1),
            helper.make_node("Gather", [feed, "i2"], ["sex"], axis=1),
            const("one", TensorProto.FLOAT, 1.0, []),
            const("a19", TensorProto.FLOAT, 19.0, []),
            const("half", TensorProto.FLOAT, 0.5, []),
            helper.make_node("Equal", ["sex", "one"], ["is1"]),
            helper.make_node("Less", ["age", "a19"], ["young"]),
            helper.make_node("Less", ["x1", "half"], ["low"]),
            helper.make_node("And", ["is1", "young"], ["c1"]),
            helper.make_node("And", ["c1", "low"], ["c2"]),
            helper.make_node("Squeeze", ["c2", "i1"], ["c3"]),
            const("yes", TensorProto.INT64, 1, []),
            helper.make_node("Where", ["c3", "yes", "tree_label"], [label]),
        ]
    )
    onnx.checker.check_model(model)
    hostile = tmp_path / "hostile.onnx"
    onnx.save(model, str(hostile))
    return clean, hostile, data


def _run(tmp_path: Path, model: Path, data: Path, *extra: str) -> Any:
    base = ["fairness", str(model), "--data", str(data), "--protected", "sex"]
    rest = ["--label", "label", "--max-queries", "4000", "--seed", "1"]
    return runner.invoke(app, [*base, *rest, "--store", str(tmp_path / "runs.db"), *extra])


def test_a_graph_deciding_after_its_trees_is_neither_passed_nor_certified(tmp_path: Path) -> None:
    clean, hostile, data = _graphs(tmp_path)
    scores = _run(tmp_path, hostile, data)
    assert scores.exit_code == 3, scores.output
    assert "decides otherwise than its scores" in scores.output
    assert "--output label" in scores.output
    decided = _run(tmp_path, hostile, data, "--output", "label", "--exact")
    assert decided.exit_code == 1, decided.output
    assert "certified zero" not in decided.output
    # the trees are refused (what they answer is not what the graph decides); the domain is
    # small, so the exact share comes from asking every input of it: 1 of 130 inputs
    assert "share 0.77 % of the input space" in decided.output and "(exact)" in decided.output
    from assay.models import load_model
    from assay.models.trees import read_trees

    why = read_trees(load_model(str(hostile), output="label"))
    assert isinstance(why, str) and "Where" in why, why
    plain = _run(tmp_path, clean, data, "--exact")
    assert plain.exit_code == 0, plain.output
    assert "certified zero" in plain.output
    assert plain.output.count("certified zero") == 1  # (it was said twice on one line)


def test_a_certificate_the_search_contradicts_is_withdrawn() -> None:
    summary: dict[str, Any] = {
        "examples": [
            {
                "input": {"age": 18, "sex": 1},
                "variants": [
                    {"protected": {"sex": "0"}, "differs": True},
                    {"protected": {"sex": "1"}, "differs": False},
                ],
            }
        ],
        "verdict": [
            {"attribute": "sex", "certificate": True, "level": "certified zero", "fails": None},
            {"attribute": "race", "certificate": True, "level": "certified zero", "fails": None},
        ],
    }
    _contradicted_certificates(summary)
    sex, race = summary["verdict"]
    assert not sex["certificate"] and sex["level"] == "found"
    assert race["certificate"] and race["level"] == "certified zero"
    assert any("certificate is withdrawn" in w for w in summary["warnings"])
