"""hostile41b: an ONNX image classifier whose input is ``tensor(uint8)`` (a TensorFlow or
quantized export fed raw pixels) could not be scanned at all: the scan's refills and pastes
are not whole numbers, and every run failed after it was created ("ONNX input 'x' takes
integers (tensor(uint8)); got 0.3059", exit 2, with ``--range 0,255`` too)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper  # noqa: E402

from assay.backdoor.api import check_backdoor  # noqa: E402
from assay.backdoor.demo import trojaned_digits  # noqa: E402
from assay.backdoor.prepare import setup_backdoor  # noqa: E402
from assay.core.store import RunStore  # noqa: E402
from assay.errors import UsageError  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from onnx_mlp import mlp_graph  # noqa: E402


def _uint8_graph(mlp: object, path: Path) -> None:
    """The trojaned digits MLP behind a uint8 NHWC input: (n, 8, 8, 1) pixels 0..255, read
    as the MLP's 0..16 by x * 16 / 255."""
    mlp_graph(
        mlp,
        path,
        helper.make_tensor_value_info("x", TensorProto.UINT8, ["n", 8, 8, 1]),
        [
            helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
            helper.make_node("Mul", ["xf", "scale"], ["xs"]),
            helper.make_node("Reshape", ["xs", "flat"], ["xr"]),
        ],
        {"scale": np.array(16.0 / 255.0, dtype=np.float32)},
    )


@pytest.fixture(scope="module")
def trojan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray, np.ndarray]:
    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    folder = tmp_path_factory.mktemp("u8")
    path = folder / "u8.onnx"
    _uint8_graph(t.model, path)
    sus = t.clean_images[:20].copy()
    sus[::2] = t.poisoned(sus[::2])
    as_pixels = lambda a: np.rint(a * 255).astype(np.uint8)  # noqa: E731
    return path, as_pixels(sus), as_pixels(t.clean_images[100:260])


def test_a_uint8_graph_is_scanned_with_whole_pixels_in_0_255(
    trojan: tuple[Path, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    path, sus, clean = trojan
    r = check_backdoor(str(path), images=sus, clean=clean, seed=0, store=tmp_path / "s.db")
    assert r.triggers, r.headline  # main: UsageError "takes integers (tensor(uint8))"
    flagged = {int(v) for v in r.findings()["image"]}
    assert flagged and flagged <= set(range(0, 20, 2)), r.headline
    setup = setup_backdoor(str(path), images=sus, clean=clean)
    assert setup.spec.dtype == "uint8" and setup.spec.range_values == (0.0, 255.0)
    given = setup.spec.to_model(np.full((1, 8, 8, 1), 0.5012))
    assert given.dtype == np.uint8 and int(given.reshape(-1)[0]) == 128  # rounded, not cut


def test_a_range_a_uint8_graph_cannot_take_is_refused_before_any_run(
    trojan: tuple[Path, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    path, sus, clean = trojan
    store = tmp_path / "s.db"
    for bad in ("0,1", "norm:0.5:0.5"):
        with pytest.raises(UsageError, match=r"range.*whole numbers \(uint8, 0 to 255\)"):
            check_backdoor(str(path), images=sus, clean=clean, seed=0, store=store, value_range=bad)
    with RunStore(store) as s:  # main: a failed run left for each, "continue with: resume"
        assert list(s.list_runs()) == []
    r = check_backdoor(str(path), images=sus, clean=clean, seed=0, store=store, value_range="0,255")
    assert r.triggers, r.headline


class _Port:
    name = "x"

    def __init__(self, dtype: type) -> None:
        self.dtype = dtype


class _Graph:
    def __init__(self, dtype: type) -> None:
        self.inputs = [_Port(dtype)]


def test_whole_pixels_reads_the_declared_type() -> None:
    from assay.backdoor.pixel_type import whole_pixels

    assert whole_pixels(_Graph(np.uint8), None) == ("uint8", "0,255")
    assert whole_pixels(_Graph(np.uint16), "0,4095") == ("uint16", "0,4095")
    assert whole_pixels(_Graph(np.float32), None) is None
    with pytest.raises(UsageError, match=r"say which whole values .* --range -128,127"):
        whole_pixels(_Graph(np.int8), None)
    assert whole_pixels(_Graph(np.int8), "-128,127") == ("int8", "-128,127")
    with pytest.raises(UsageError, match="cannot be given"):
        whole_pixels(_Graph(np.uint8), "0,300")
