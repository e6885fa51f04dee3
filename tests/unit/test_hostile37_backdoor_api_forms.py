"""``check_backdoor`` in a notebook's own forms (hostile37): ``input_shape=(8, 8)`` (or a
``torch.Size``, or 64) and ``value_range=(0, 16)`` raised a bare ``AttributeError`` ('tuple'
object has no attribute 'strip'); they are read as ``"8,8"`` and ``"0,16"`` (stored so), and
a shape or range of another form is refused naming the keyword.  A list of images (a glob's
paths, PIL images) is summed up in the run's command, not spelled out: 1,500 paths made an
81,153-character command, stored and shown in the Jupyter view (96 kB)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.runinfo import api_call
from assay.core.store import RunStore
from assay.errors import UsageError


def predict(x: np.ndarray) -> np.ndarray:
    z = np.asarray(x, dtype=np.float64).reshape(len(x), -1)[:, :4]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


def _images(tmp_path: Path) -> tuple[str, str]:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "images.npy", rng.random((6, 8, 8)) * 16)
    np.save(tmp_path / "clean.npy", rng.random((24, 8, 8)) * 16)
    return str(tmp_path / "images.npy"), str(tmp_path / "clean.npy")


@pytest.mark.parametrize(
    ("shape", "value_range"), [((8, 8), (0, 16)), ([8, 8], [0.0, 16.0]), (64, (0, 16))]
)
def test_a_shape_and_range_as_tuples(tmp_path: Path, shape: object, value_range: object) -> None:
    images, clean = _images(tmp_path)
    r = assay.check_backdoor(
        predict,
        images=images,
        clean=clean,
        input_shape=shape,
        value_range=value_range,
        n_classes=4,
        max_queries=400,
        seed=0,
        store=tmp_path / "runs.db",
    )
    with RunStore(tmp_path / "runs.db") as store:
        invocation = store.get_run(r.run_id).config["invocation"]
    assert invocation["input_shape"] == ("64" if shape == 64 else "8,8")
    assert invocation["value_range"] in ("0,16", "0.0,16.0")


@pytest.mark.parametrize(
    ("keyword", "value", "named"),
    [("input_shape", (8.0, 8), "input_shape"), ("value_range", (0, 16, 3), "value_range")],
)
def test_another_form_is_refused_naming_the_keyword(
    tmp_path: Path, keyword: str, value: object, named: str
) -> None:
    images, clean = _images(tmp_path)
    with pytest.raises(UsageError) as err:
        assay.check_backdoor(
            predict,
            images=images,
            clean=clean,
            n_classes=4,
            store=tmp_path / "runs.db",
            **{keyword: value},
        )
    assert err.value.argument == named


def test_a_long_list_is_summed_up_in_the_command() -> None:
    paths = [f"/data/images/clean_image_{i:05d}.png" for i in range(1500)]
    said = api_call("check_backdoor", "m.onnx", {"clean": paths, "labels": [0, 1, 2]}, seed=1)
    assert "<list of 1,500 items: '/data/images/clean_image_00000.png'" in said
    assert "clean_image_00003" not in said
    assert "labels=[0, 1, 2]" in said  # a short list as written
    assert len(said) < 500
