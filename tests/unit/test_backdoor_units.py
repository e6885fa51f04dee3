"""Small parts of the backdoor technique: image specs, files, patches, PNG, anomaly index,
the model scan's search on a toy model, the corrected label's refills."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.image_files import read_images
from assay.backdoor.images import ImageSpec, parse_range, parse_shape, spec_for
from assay.backdoor.modelscan import (
    MIN_MAD,
    ClassScan,
    anomaly_index,
    pixel_scores,
    scan_class,
    scan_sizes,
)
from assay.backdoor.patches import Trigger, boxes_overlap, dominant_colour, grid_boxes
from assay.backdoor.repair import nearest_fills, vote
from assay.backdoor.strip import strip_threshold
from assay.errors import UsageError
from assay.report.backdoor_html import png_bytes, render_gallery


def test_specs_round_trip_every_layout() -> None:
    rng = np.random.default_rng(0)
    canon = rng.random((3, 4, 5, 3))
    for spec in (
        spec_for((4, 5, 3), (60,), layout=None, range_text="0,255"),
        spec_for((4, 5, 3), (3, 4, 5), layout=None, range_text="norm:0.5/0.4/0.3:0.2/0.2/0.2"),
        spec_for((4, 5, 3), (4, 5, 3), layout=None, range_text=None),
    ):
        back = spec.to_canonical(spec.to_model(canon))
        np.testing.assert_allclose(back, canon, atol=1e-5)
        assert ImageSpec.from_json(spec.to_json()) == spec
    nchw = spec_for((4, 5, 3), (3, 4, 5), layout=None, range_text=None)
    assert nchw.to_model(canon).shape == (3, 3, 4, 5)
    flat = spec_for((4, 5, 3), (60,), layout=None, range_text="0,255")
    assert flat.to_model(canon).shape == (3, 60) and flat.to_model(canon).max() > 1


def test_spec_errors_name_the_argument() -> None:
    with pytest.raises(UsageError, match=r"images are 8x8x1 .* model takes 28x28x1") as err:
        spec_for((8, 8, 1), (1, 28, 28), layout=None, range_text=None)
    assert err.value.argument == "--images"
    with pytest.raises(UsageError) as err:
        parse_shape("a,b")
    assert err.value.argument == "--input-shape"
    with pytest.raises(UsageError) as err:
        parse_range("5,1")
    assert err.value.argument == "--range"


def test_image_files_errors_name_the_file(tmp_path: Path) -> None:
    np.save(tmp_path / "bad.npy", np.zeros((3, 4)))
    with pytest.raises(UsageError, match="expected \\(n, H, W\\)") as err:
        read_images(tmp_path / "bad.npy", argument="--images")
    assert err.value.path and err.value.path.endswith("bad.npy")
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 nonsense")
    with pytest.raises(UsageError, match="not a readable numpy file"):
        read_images(tmp_path / "broken.npz", argument="--clean")
    with pytest.raises(UsageError, match="no such file"):
        read_images(tmp_path / "absent", argument="--clean")
    np.savez(tmp_path / "ok.npz", images=np.zeros((2, 3, 3), np.uint8), labels=[1, 2])
    files = read_images(tmp_path / "ok.npz", argument="--images")
    assert files.values.shape == (2, 3, 3, 1) and files.uint8 and list(files.labels) == [1, 2]


def test_patches() -> None:
    img = np.zeros((6, 6, 1))
    img[0:2, 0:2] = 1.0
    assert dominant_colour(img)[0] == 0.0
    boxes = grid_boxes(8, 8, 5, 2)
    assert len(boxes) == 9 and boxes[-1] == (3, 3, 5, 5)
    assert boxes_overlap((0, 0, 2, 2), (1, 1, 2, 2)) and not boxes_overlap(
        (0, 0, 2, 2), (2, 2, 1, 1)
    )
    t = Trigger((1, 2, 2, 2), np.ones((2, 2, 1)), 3, 0.95, 4)
    assert Trigger.from_json(t.to_json()).same_as(t)
    assert not t.same_as(Trigger((1, 2, 2, 2), np.ones((2, 2, 1)), 4, 0.95, 4))


def test_anomaly_index_flags_only_an_outlier() -> None:
    assert anomaly_index(np.array([5.0] * 9 + [2.0]))[-1] >= 2
    same = anomaly_index(np.array([5.0] * 8 + [4.0, 4.0]))
    assert same.max() < 2
    assert scan_sizes(8, 8) == [1, 2, 3, 4]
    assert scan_sizes(16, 16) == [2, 4, 6, 8]
    assert strip_threshold(np.array([0.5, 0.1, 0.9]), 0.01) == 0.1


def test_png_is_a_valid_file_and_gallery_escapes() -> None:
    pixels = (np.arange(12).reshape(2, 2, 3) * 20).astype(np.uint8)
    data = png_bytes(pixels)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    idat = data[data.index(b"IDAT") + 4 :]
    raw = zlib.decompressobj().decompress(idat)
    assert raw[:7] == b"\x00" + pixels[0].tobytes()
    html = render_gallery(
        [
            {
                "caption": "<script>",
                "images": [{"label": "<b>", "pixels": pixels.tolist(), "box": [0, 0, 1, 1]}],
            }
        ]
    )
    assert "<script>" not in html and "&lt;script&gt;" in html and "data:image/png;base64," in html
    assert render_gallery("nonsense") == ""


def test_backdoor_runs_without_torch_pillow_or_onnx(tmp_path: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('torch', 'PIL', 'onnxruntime', 'onnx', 'skl2onnx'):
                    raise ImportError('blocked for the test: ' + name)
                return None
        sys.meta_path.insert(0, Block())
        import assay
        r = assay.check_backdoor('builtin:trojan', seed=0, store=sys.argv[1],
                                 max_queries=3000)
        assert r.n_findings > 0, r.summary
        print('ok')
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "runs.db")], capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("ok")


def _toy_scorer(x: np.ndarray) -> np.ndarray:
    """Class 1 when pixels (5, 6) and (6, 5) are both bright (a planted 2-pixel trigger),
    with a slope (one bright pixel raises the probability); class 0 otherwise."""
    hits = (x[:, 5, 6, 0] > 0.9).astype(float) + (x[:, 6, 5, 0] > 0.9).astype(float)
    p = np.where(hits == 2, 0.95, 0.1 + 0.2 * hits)
    return np.stack([1 - p, p], axis=1)


def test_scan_class_finds_and_prunes_a_planted_patch() -> None:
    rng = np.random.default_rng(3)
    images = rng.random((30, 8, 8, 1)) * 0.5
    scan = scan_class(1, images, _toy_scorer, rng, scan_sizes(8, 8))
    assert scan.size == 2 and scan.pixels == 2 and scan.flip_rate == 1.0
    assert boxes_overlap(scan.box, (5, 5, 2, 2))
    back = ClassScan.from_json(scan.to_json())
    assert back.pixels == 2 and back.mask is not None and back.mask.sum() == 2
    # no patch sends images to class 0's complement here: class 0 needs nothing, class 1 two
    # pixels; a class no size reached scores as the largest size plus one, squared
    missing = ClassScan(0, None, 0.1, (0, 0, 1, 1), np.zeros((1, 1, 1)), {})
    assert list(pixel_scores([back, missing], [1, 2, 3, 4])) == [1.0, pytest.approx(np.log2(25))]


def test_pixel_anomaly_needs_more_than_half_a_doubling() -> None:
    near = np.log2([9, 10, 16, 16, 16, 25, 25, 25, 25, 25])  # a clean model's spread
    assert anomaly_index(near, min_mad=MIN_MAD).max() < 2
    far = np.log2([2, 9, 16, 16, 16, 25, 25, 25, 25, 25])  # one class needs 2 pixels
    assert int(np.argmax(anomaly_index(far, min_mad=MIN_MAD))) == 0
    assert anomaly_index(far, min_mad=MIN_MAD)[0] >= 2


def test_nearest_fills_take_the_region_from_the_closest_reference() -> None:
    rng = np.random.default_rng(0)
    refs = rng.random((6, 8, 8, 1))
    image = refs[4].copy()
    image[2:4, 2:4] = 7.0  # something foreign in the box; equal to reference 4 elsewhere
    fills = nearest_fills(image, (2, 2, 2, 2), refs, k=3)
    assert fills.shape == (3, 8, 8, 1)
    np.testing.assert_array_equal(fills[0], refs[4])
    assert vote(np.array([3, 1, 1, 3, 5])) == 3  # a tie goes to the nearest fill's answer
    assert vote(np.array([1, 2, 2])) == 2
