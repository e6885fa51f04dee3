"""hostile44b: an ONNX image graph exported with its height and width left open (a fully
convolutional export: ``dynamic_axes={"x": {0: "batch", 2: "h", 3: "w"}}``, input
``[batch, 3, h, w]``) declares no whole per-image shape, so its fixed channel axis was not
read: assay fed it channels last and every run ended "the model failed ... Got: 32 Expected:
3" (exit 3), with nothing the user could tell from it but to guess ``--layout nchw``."""

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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from onnx_mlp import mlp_graph  # noqa: E402


def _graph(mlp: object, path: Path, dims: list[int | str], channel_axis: int) -> None:
    """The trojaned digits MLP behind a 3-channel image input of shape ``dims`` (the
    channels' mean over ``channel_axis``, times 16: the MLP's 0..16), answering logits."""
    mlp_graph(
        mlp,
        path,
        helper.make_tensor_value_info("x", TensorProto.FLOAT, dims),
        [
            helper.make_node("ReduceMean", ["x"], ["g"], axes=[channel_axis], keepdims=0),
            helper.make_node("Mul", ["g", "scale"], ["xs"]),
            helper.make_node("Reshape", ["xs", "flat"], ["xr"]),
        ],
        {"scale": np.array(16.0, dtype=np.float32)},
        output="logits",
    )


@pytest.fixture(scope="module")
def trojan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    folder = tmp_path_factory.mktemp("open")
    nchw, nhwc = folder / "nchw.onnx", folder / "nhwc.onnx"
    _graph(t.model, nchw, ["batch", 3, "h", "w"], 1)
    _graph(t.model, nhwc, ["batch", "h", "w", 3], 3)
    sus = t.clean_images[:16].copy()
    sus[::2] = t.poisoned(sus[::2])
    rgb = lambda a: np.repeat(a, 3, axis=-1)  # noqa: E731  (grey digits as colour images)
    return nchw, nhwc, rgb(sus), rgb(t.clean_images[100:240])


def test_an_open_size_channels_first_graph_is_fed_channels_first(
    trojan: tuple[Path, Path, np.ndarray, np.ndarray], tmp_path: Path
) -> None:
    nchw, _, sus, clean = trojan
    setup = setup_backdoor(str(nchw), images=sus, clean=clean)
    assert setup.spec.layout == "nchw"  # main: ModelError "Got: 8 Expected: 3"
    r = check_backdoor(
        str(nchw), images=sus, clean=clean, seed=0, store=tmp_path / "s.db", second_opinion=False
    )
    flagged = {int(v) for v in r.findings()["image"]}
    assert flagged and flagged <= set(range(0, 16, 2)), r.headline
    # grey images for it: three equal channels, as for a graph declaring its whole shape
    grey = setup_backdoor(str(nchw), images=sus[..., :1], clean=clean[..., :1])
    assert grey.spec.layout == "nchw" and grey.spec.channels == 3


def test_an_open_size_channels_last_graph_stays_channels_last(
    trojan: tuple[Path, Path, np.ndarray, np.ndarray],
) -> None:
    _, nhwc, sus, clean = trojan
    setup = setup_backdoor(str(nhwc), images=sus, clean=clean)
    assert setup.spec.layout == "nhwc"
