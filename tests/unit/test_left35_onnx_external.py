"""An ONNX model's external data files (its tensors in ``w.bin`` beside ``model.onnx``) are
in the run's model fingerprint (hostile34's Left): weights changed in the side file made no
difference to the stored sha256, and a resume mixed the findings of two models."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.integrity import (
    check_fingerprints,
    file_fingerprint,
    model_changed,
    model_fingerprint,
)
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.models.loader import load_model
from assay.models.onnx_external import external_files


def _model(folder: Path) -> tuple[Path, pd.DataFrame]:
    """Softmax([age, sex] @ W): a model whose weights ``W`` are kept in ``w.bin``."""
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from onnx import TensorProto, helper, numpy_helper

    weights = np.array([[0.05, -0.05], [-2.0, 2.0]], dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["Z"]), helper.make_node("Softmax", ["Z"], ["P"])],
        "g",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["n", 2])],
        [helper.make_tensor_value_info("P", TensorProto.FLOAT, ["n", 2])],
        [numpy_helper.from_array(weights, "W")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "model.onnx"
    onnx.save_model(
        model, str(path), save_as_external_data=True, location="w.bin", size_threshold=0
    )
    assert (folder / "w.bin").stat().st_size == weights.nbytes
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"age": rng.integers(20, 70, 300), "sex": rng.integers(0, 2, 300)})
    return path, df


def _changed_weights(folder: Path) -> None:
    side = folder / "w.bin"
    data = bytearray(side.read_bytes())
    data[:4] = np.float32(-7.5).tobytes()  # (the first weight: the model answers otherwise)
    side.write_bytes(bytes(data))


def test_the_fingerprint_covers_the_side_file(tmp_path: Path) -> None:
    path, _ = _model(tmp_path)
    model = load_model(str(path))
    print_ = model_fingerprint(model.spec_info, str(path))
    assert print_ is not None and print_["external"] == [str(tmp_path / "w.bin")]
    prints = {"model": print_}
    assert check_fingerprints(prints, run_id="r") == [] and model_changed(prints) is None
    _changed_weights(tmp_path)
    assert model_changed(prints) == "changed"
    with pytest.raises(UsageError, match=r"model file .* changed since run r started"):
        check_fingerprints(prints, run_id="r")
    (tmp_path / "w.bin").unlink()
    assert model_changed(prints) == "changed"


def test_resume_refuses_a_model_whose_side_file_changed(tmp_path: Path) -> None:
    path, df = _model(tmp_path)
    store = tmp_path / "runs.db"
    first = assay.check_fairness(
        str(path), data=df, protected="sex", max_queries=200, store=store, seed=1
    )
    with RunStore(store) as opened:
        opened.checkpoint(first.run_id, status="interrupted")
    _changed_weights(tmp_path)
    with pytest.raises(UsageError, match=r"model file .*model\.onnx changed since run"):
        assay.resume_run(first.run_id, store=store, data=df)


def test_a_model_without_external_data_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    onnx = pytest.importorskip("onnx")
    path, _ = _model(tmp_path)
    whole = tmp_path / "whole.onnx"
    onnx.save_model(onnx.load(str(path)), str(whole))  # (its weights inside)
    assert external_files(path) == [str(tmp_path / "w.bin")]
    monkeypatch.setattr(onnx, "load", lambda *a, **k: pytest.fail("parsed again"))
    assert external_files(whole) == []


def test_a_stores_list_of_side_files_reads_no_pipe_and_nothing_elsewhere(tmp_path: Path) -> None:
    """A store from elsewhere names the files as it likes: a pipe (which would be read for
    ever) or a file outside the model's folder counts as gone, not read."""
    model = tmp_path / "m" / "model.onnx"
    model.parent.mkdir()
    model.write_bytes(b"onnx")
    os.mkfifo(tmp_path / "m" / "pipe")
    (tmp_path / "secret").write_text("x")
    for name in (tmp_path / "m" / "pipe", tmp_path / "secret", Path("/dev/zero")):
        prints = {"model": {**file_fingerprint(model), "external": [str(name)]}}
        assert model_changed(prints) == "changed"
        with pytest.raises(UsageError, match="changed since run r started"):
            check_fingerprints(prints, run_id="r")
