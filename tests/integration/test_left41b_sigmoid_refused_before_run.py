"""left41b: a model answering a sigmoid per class (rows in [0, 1] not summing to one) was
refused by the backdoor command only on the run's first batch: exit 3 with a failed run and
"resume with: assay resume RUN" left in the store (hostile41b's Left 7; the sigmoid ONNX
export of its patch CNN: "backdoor-...: failed").  Its answer to two clean images is checked
before a run is made now: loading's probe answer for torch, one call of two images for a model
read from a file (an ONNX graph here); a function is not asked again: the answer it gave
loading's probe is checked (bd42b)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
register()
MODEL = (
    "import numpy as np\n"
    "def sigmoid(x):\n"
    "    z = np.asarray(x, dtype=float).reshape(len(x), -1)[:, :3] * 4 - 2\n"
    "    return 1 / (1 + np.exp(-z))\n"
    "def softmax(x):\n"
    "    z = np.asarray(x, dtype=float).reshape(len(x), -1)[:, :3] * 4 - 2\n"
    "    e = np.exp(z)\n"
    "    return e / e.sum(axis=1, keepdims=True)\n"
    "def dicts(x, f=sigmoid):\n"
    "    return [dict(zip('abc', map(float, r))) for r in f(x)]\n"
    "def ranked(x, f=sigmoid):\n"
    "    rows = [sorted(zip('abc', map(float, r)), key=lambda t: -t[1]) for r in f(x)]\n"
    "    return [[{'label': k, 'score': v} for k, v in row] for row in rows]\n"
    "def dicts_one(x):\n"
    "    return dicts(x, softmax)\n"
    "def ranked_one(x):\n"
    "    return ranked(x, softmax)\n"
    "for f in (dicts, ranked, dicts_one, ranked_one):\n"
    "    f.classes_ = ['a', 'b', 'c']\n"
)


def _graph(path: Path, last: str) -> str:
    """(n, 6, 6, 1) floats -> 3 scores through ``last`` (Sigmoid or Softmax)."""
    from onnx import TensorProto, helper, numpy_helper

    w = np.random.default_rng(1).normal(size=(36, 3)).astype(np.float32)
    nodes = [
        helper.make_node("Flatten", ["x"], ["f"], axis=1),
        helper.make_node("MatMul", ["f", "w"], ["z"]),
        helper.make_node(last, ["z"], ["y"], **({"axis": 1} if last == "Softmax" else {})),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 6, 6, 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 3])],
        [numpy_helper.from_array(w, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return str(path)


def _scan(tmp_path: Path, name: str) -> tuple[int, str, Path]:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    spec = {
        "onnx_sigmoid": lambda: _graph(tmp_path / "s.onnx", "Sigmoid"),
        "onnx_softmax": lambda: _graph(tmp_path / "p.onnx", "Softmax"),
    }.get(name, lambda: f"{tmp_path}/m.py:{name}")()
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", rng.random((12, 6, 6, 1)))
    np.save(tmp_path / "scan.npy", rng.random((2, 6, 6, 1)))
    store = tmp_path / "runs.db"
    result = CliRunner().invoke(
        app,
        [
            "backdoor", spec, "--images", str(tmp_path / "scan.npy"),
            "--clean", str(tmp_path / "clean.npy"), "--strategy", "strip",
            "--store", str(store), "--seed", "0",
        ],
    )  # fmt: skip
    return result.exit_code, " ".join(result.output.split()), store


def _runs(store: Path) -> list[object]:
    return list(RunStore(store, read_only=True).list_runs()) if store.exists() else []


def test_a_sigmoid_per_class_is_refused_before_a_run_is_made(tmp_path: Path) -> None:
    code, said, store = _scan(tmp_path, "onnx_sigmoid")
    assert code == 3, said
    assert "sum to" in said and "not 1" in said, said
    assert "No run was made" in said and "resume" not in said, said  # main: a failed run
    assert _runs(store) == []


@pytest.mark.parametrize("name", ["onnx_softmax", "softmax", "dicts_one", "ranked_one"])
def test_a_model_answering_probabilities_is_scanned(tmp_path: Path, name: str) -> None:
    code, said, store = _scan(tmp_path, name)
    assert code in (0, 1), said
    assert len(_runs(store)) == 1


@pytest.mark.parametrize("name", ["sigmoid", "dicts", "ranked"])
def test_a_functions_probe_answer_refuses_it_before_a_run(tmp_path: Path, name: str) -> None:
    """bd42b: a function is not asked again, but the answer it gave loading's probe is
    checked (before: refused on the run's first batch, a failed run and a resume line).
    left43b: score dicts and ranked labels too, read into scores as the run reads them (they
    were refused on the run's first batch: bd42b's Left 5)."""
    code, said, store = _scan(tmp_path, name)
    assert code == 3 and "sum to" in said, said
    assert "No run was made" in said and "resume" not in said, said
    assert _runs(store) == []
