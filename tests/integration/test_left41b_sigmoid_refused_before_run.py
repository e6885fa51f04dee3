"""left41b: a model answering a sigmoid per class (rows in [0, 1] not summing to one) was
refused by the backdoor command only on the run's first batch: exit 3 with a failed run and
"resume with: assay resume RUN" left in the store (hostile41b's Left 7; the sigmoid ONNX
export of its patch CNN: "backdoor-...: failed").  Its answer to two clean images is checked
before a run is made now: loading's probe answer for torch, one call of two images for the
others (a function, an ONNX graph)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

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
)


def _scan(tmp_path: Path, name: str) -> tuple[int, str, Path]:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", rng.random((12, 6, 6, 1)))
    np.save(tmp_path / "scan.npy", rng.random((2, 6, 6, 1)))
    store = tmp_path / "runs.db"
    result = CliRunner().invoke(
        app,
        [
            "backdoor", f"{tmp_path}/m.py:{name}", "--images", str(tmp_path / "scan.npy"),
            "--clean", str(tmp_path / "clean.npy"), "--strategy", "strip",
            "--store", str(store), "--seed", "0",
        ],
    )  # fmt: skip
    return result.exit_code, " ".join(result.output.split()), store


def _runs(store: Path) -> list[object]:
    return list(RunStore(store, read_only=True).list_runs()) if store.exists() else []


def test_a_sigmoid_per_class_is_refused_before_a_run_is_made(tmp_path: Path) -> None:
    code, said, store = _scan(tmp_path, "sigmoid")
    assert code == 3, said
    assert "sum to" in said and "not 1" in said, said
    assert "No run was made" in said and "resume" not in said, said  # main: a failed run
    assert _runs(store) == []


@pytest.mark.parametrize("name", ["softmax"])
def test_a_model_answering_probabilities_is_scanned(tmp_path: Path, name: str) -> None:
    code, said, store = _scan(tmp_path, name)
    assert code in (0, 1), said
    assert len(_runs(store)) == 1
