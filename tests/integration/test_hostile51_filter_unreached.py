"""The run-time filter loaded around a served model that does not answer (hostile51): the
model's own error, of its class and naming the file, never "a model that takes other images
than these is not the one f.json was exported for" (a ``UsageError``: a serving loop started
before its model server was ready read the endpoint down as the wrong filter file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from serving_servers import FaultServer

from assay.backdoor.filter import load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.patches import Trigger
from assay.errors import ModelError, ModelUnavailable, UsageError
from assay.models.http import HttpModel, ServingOptions
from assay.models.loader import load_model

pytestmark = pytest.mark.slow

CHECKER = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])
TRIGGER = Trigger(box=(5, 5, 2, 2), content=CHECKER, target=7, flip_rate=1.0, source=0)
SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))
QUICK = ServingOptions(timeout=0.5, retries=1, backoff=0.01, header_env=("Authorization=H51TOK",))


def _proba(batch: np.ndarray) -> np.ndarray:
    x = np.asarray(batch, dtype=np.float64).reshape(len(batch), -1)
    cls = (x.sum(axis=1) > 200).astype(int)
    out = np.full((len(x), 10), 0.02)
    out[np.arange(len(x)), cls] = 0.82
    return out


def _saved(tmp_path: Path, url: str) -> tuple[Path, HttpModel]:
    os.environ["H51TOK"] = "Bearer h51-right-token"
    model = load_model(url, modality="image", outputs="proba", n_classes=10, serving=QUICK)
    clean = np.random.default_rng(0).uniform(0, 1, (20, 8, 8, 1))
    path = save_filter(tmp_path / "f.json", SPEC, [TRIGGER], model=model, references=clean)
    return path, model


def test_an_endpoint_gone_is_the_models_failure_not_the_files(tmp_path: Path) -> None:
    server = FaultServer(_proba, token="Bearer h51-right-token").start()
    path, model = _saved(tmp_path, server.url)
    server.stop()  # (the model server restarting as the serving loop starts)
    with pytest.raises(ModelUnavailable) as got:
        load_filter(path, model)
    said = str(got.value)
    assert str(path) in said and "not the one" not in said, said


def test_a_credential_refused_is_the_models_failure_not_the_files(tmp_path: Path) -> None:
    with FaultServer(_proba, token="Bearer h51-right-token") as server:
        path, _ = _saved(tmp_path, server.url)
        os.environ["H51TOK"] = "Bearer h51-expired-token"
        model = load_model(
            server.url, modality="image", outputs="proba", n_classes=10, serving=QUICK
        )
        with pytest.raises(ModelError) as got:
            load_filter(path, model)
    assert not isinstance(got.value, UsageError)
    assert got.value.status == 401 and "h51-expired-token" not in str(got.value)
    assert "not the one" not in str(got.value)


def test_a_model_taking_other_images_is_still_the_files_refusal(tmp_path: Path) -> None:
    """(unchanged: a model failing on the probe images' form is named with the file)"""
    with FaultServer(_proba, token="Bearer h51-right-token") as server:
        path, _ = _saved(tmp_path, server.url)
    doc = json.loads(path.read_text())
    assert doc["spec"]["height"] == 8

    class Narrow:
        capabilities = load_model(_proba, modality="image", probe=np.zeros((2, 64))).capabilities

        def predict(self, inputs: np.ndarray, /) -> np.ndarray:
            raise ModelError(f"expected 16 features, got {np.asarray(inputs).shape[1]}")

    with pytest.raises(UsageError, match="not the one"):
        load_filter(path, Narrow())


def test_a_served_model_loaded_without_a_probe_is_told_the_keywords() -> None:
    """``load_filter``'s docs say ``assay.models.load_model(obj, modality="image")`` makes
    the model: for a URL that named ``--outputs`` and ``--n-classes``, options no command
    has."""
    with pytest.raises(UsageError) as got:
        load_model("http://127.0.0.1:9/predict?api_key=H51SECRETKEY", modality="image")
    said = str(got.value)
    assert "--outputs" not in said and "--n-classes" not in said, said
    assert "probe=" in said and "n_classes=" in said and "H51SECRETKEY" not in said
