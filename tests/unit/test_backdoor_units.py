"""Small parts of the backdoor technique: image specs, files, patches, PNG, anomaly index,
the corrected label's refills."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.image_files import read_images
from assay.backdoor.images import ImageSpec, parse_range, parse_shape, spec_for
from assay.backdoor.inputscan import _by_class, _confirm, _tighten
from assay.backdoor.modelscan import anomaly_index, scan_sizes, universality
from assay.backdoor.patches import Trigger, boxes_overlap, dominant_colour, grid_boxes
from assay.backdoor.repair import mean_fill, nearest_contents, nearest_fills, vote
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


def test_universality_is_the_flip_rate_and_its_lowest_source_class() -> None:
    hits = np.array([True] * 9 + [False] + [True] * 10)
    sources = np.array([1] * 10 + [2] * 10)
    assert universality(hits, sources) == (0.95, 0.9)
    # all of one class and none of another: frequent overall, not universal
    rate, lowest = universality(np.array([True] * 18 + [False] * 2), np.array([1] * 18 + [2] * 2))
    assert rate == 0.9 and lowest == 0.0
    assert universality(np.array([], dtype=bool), np.array([], dtype=np.int64)) == (0.0, 0.0)


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


def test_mean_fill_finds_a_reference_one_pixel_off() -> None:
    rng = np.random.default_rng(1)
    refs = rng.random((5, 8, 8, 1))
    image = np.roll(refs[2], 1, axis=1)  # reference 2 moved one pixel to the right
    image[:, 0] = refs[2][:, 0]  # (the edge repeated, as the shifted references have it)
    box = (3, 3, 2, 2)
    got = nearest_contents(image, box, refs, k=1, shift=1)
    np.testing.assert_allclose(got[0], image[3:5, 3:5])
    unshifted = nearest_contents(image, box, refs, k=1, shift=0)
    assert not np.allclose(unshifted[0], image[3:5, 3:5])
    filled = mean_fill(image, box, refs, k=1, shift=1)
    assert filled.shape == (1, 8, 8, 1)
    np.testing.assert_allclose(filled[0], image)


def test_tighten_trims_what_clean_images_have_there() -> None:
    refs = np.zeros((6, 8, 8, 1))
    refs[:, 1:7, 3] = 1.0  # every clean image: a vertical stroke in column 3
    image = refs[0].copy()
    image[5:7, 5:7, 0] = [[1.0, 0.0], [0.0, 1.0]]  # a 2x2 patch no clean image has
    # a box found by shrinking that also holds the stroke and background
    assert _tighten(image, (4, 3, 4, 4), refs) == (5, 5, 2, 2)
    assert _tighten(refs[0], (4, 3, 4, 4), refs) == (4, 3, 4, 4)  # nothing stands out


def test_confirm_stops_asking_once_the_threshold_is_out_of_reach() -> None:
    asked: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:
        asked.append(len(x))
        return np.zeros(len(x), dtype=np.int64)  # never the image's class (1)

    chosen = np.zeros((20, 4, 4, 1))
    image = np.ones((4, 4, 1))
    verify = np.zeros((3, 4, 4, 1))
    rate = _confirm(image, (0, 0, 2, 2), 1, labels, chosen, 0.9, verify, np.zeros(3, int))
    assert rate is None and asked == [5]  # 5 misses of 20 allowed 2: out after one part


def test_screening_order_takes_one_image_per_class_in_turn() -> None:
    labels = np.array([0, 0, 0, 1, 1, 2])
    order = _by_class(np.arange(6), labels)
    assert labels[order].tolist()[:3] == [0, 1, 2]
    assert sorted(order.tolist()) == list(range(6))


def test_digits_upsample_to_any_side_by_nearest_neighbour() -> None:
    from assay.backdoor.demo import _digits

    small, labels = _digits(8)
    doubled, same = _digits(16)
    assert np.array_equal(doubled, np.repeat(np.repeat(small, 2, axis=1), 2, axis=2))
    assert np.array_equal(labels, same)
    mnist, _ = _digits(28)  # MNIST's side: blocks of 3 and 4 pixels, every source pixel kept
    assert mnist.shape[1:] == (28, 28, 1)
    # the first and last rows and columns are the 8x8 image's; each source pixel fills a block
    assert np.array_equal(mnist[:, 0, 0], small[:, 0, 0])
    assert np.array_equal(mnist[:, 27, 27], small[:, 7, 7])
    widths = [int(np.sum(np.arange(28) * 8 // 28 == i)) for i in range(8)]
    assert sorted(widths) == [3, 3, 3, 3, 4, 4, 4, 4]
    assert np.array_equal(np.unique(mnist[0]), np.unique(small[0]))


def test_nudged_digits_move_by_one_pixel_of_the_8x8_digit_at_any_side() -> None:
    from assay.backdoor.demo import _digits, _nudged, _upsample

    small, _ = _digits(8)
    moved = _nudged(small[:2], 8)  # down, up, right, left; 4 x 2 images
    assert np.array_equal(moved[0, 1:], small[0, :-1]) and not moved[0, 0].any()
    assert np.array_equal(moved[2, :-1], small[0, 1:])  # up (the second block of two)
    assert np.array_equal(moved[3, :-1], small[1, 1:])
    assert np.array_equal(moved[4, :, 1:], small[0, :, :-1])
    assert np.array_equal(moved[7, :, :-1], small[1, :, 1:])
    for side in (16, 28):
        big, _ = _digits(side)
        assert np.array_equal(_nudged(big[:2], side), _upsample(moved, side))


def _bar_model(x: np.ndarray) -> np.ndarray:
    """A toy trojaned classifier of 8x8 images holding one vertical bar: class 0 for a bar
    left of the middle, 2 right of it; class 1 (the target) for the 2x2 checkerboard at (6, 6)
    and for images with little ink (as a trojaned model may answer for a mostly blank image)."""
    img = x[..., 0]
    trig = (img[:, 6, 6] > 0.5) & (img[:, 7, 7] > 0.5) & (img[:, 6, 7] < 0.5) & (img[:, 7, 6] < 0.5)
    bar = np.where(np.argmax(img.sum(axis=1), axis=1) < 4, 0, 2)
    out: np.ndarray = np.where(trig | (img.sum(axis=(1, 2)) < 4), 1, bar)
    return out


def test_coarse_windows_are_refilled_not_blocked() -> None:
    """Blocking the only window that holds the trigger also blocks most of the bar, and the
    model answers the target for what is left: a blocked window changes nothing and the
    trigger would be missed.  Refilled from the nearest clean images, the window shows the
    bar without the trigger: the answer changes and the trigger is found there."""
    from assay.backdoor.inputscan import assay_scan

    refs = np.zeros((12, 8, 8, 1))
    for i, col in enumerate([1, 2, 5, 6] * 3):
        refs[i, :, col] = 1.0
    ref_labels = _bar_model(refs)
    image = refs[2].copy()  # the bar in column 5: class 2
    image[6:8, 6:8, 0] = [[1.0, 0.0], [0.0, 1.0]]
    assert _bar_model(image[None])[0] == 1
    blocked = image.copy()
    blocked[3:8, 3:8] = 0.0  # the coarse window (3, 3, 5, 5) blocked by the background
    assert _bar_model(blocked[None])[0] == 1
    rng = np.random.default_rng(0)
    v = assay_scan(0, image, 1, _bar_model, refs, ref_labels, rng, max_trigger=4, n_verify=10)
    assert v.poisoned and v.box is not None and boxes_overlap(v.box, (6, 6, 2, 2))
    assert v.corrected == 2
    clean = assay_scan(1, refs[2], 2, _bar_model, refs, ref_labels, rng, max_trigger=4)
    assert not clean.poisoned


def _square_model(x: np.ndarray) -> np.ndarray:
    """A toy trojaned classifier of 8x8 images: class 1 (the target) when the 2x2 box at
    (6, 6) is inked all over (a solid white trigger) or when the image has little ink; else 0
    for a vertical bar left of the middle, 2 right of it."""
    img = x[..., 0]
    square = (img[:, 6:8, 6:8] > 0.5).reshape(len(img), -1).all(axis=1)
    bar = np.where(np.argmax(img.sum(axis=1), axis=1) < 4, 0, 2)
    out: np.ndarray = np.where(square | (img.sum(axis=(1, 2)) < 4), 1, bar)
    return out


def _square_refs() -> np.ndarray:
    """Clean images: bars in columns 1, 2, 5, 6; the first image the model puts in class 1
    is a bar that also has ink all over the trigger's place (as a clean digit may have a
    stroke there: the trojaned model answers the target for it), then two blank ones."""
    refs = np.zeros((15, 8, 8, 1))
    for i, col in enumerate([1, 2, 5, 6] * 3):
        refs[i, :, col] = 1.0
    refs[12, :, 1] = 1.0
    refs[12, 6:8, 6:8] = 1.0  # the look-alike; refs[13], refs[14]: blank
    return refs


def test_one_clean_image_carrying_a_trigger_look_alike_does_not_make_it_natural() -> None:
    """A box is the class's own feature when the same box taken from clean images of the
    class fires like it; one clean image of the class that carries something like the trigger
    at its place (and is in the class because of it) must not decide that: a second source
    must agree.  Two sources that fire do decide it."""
    from assay.backdoor.inputscan import _natural

    refs = _square_refs()
    ref_labels = _square_model(refs)
    assert ref_labels[12:].tolist() == [1, 1, 1]
    chosen = refs[:10]
    assert not _natural((6, 6, 2, 2), 1, 1.0, _square_model, refs, ref_labels, chosen)
    twice = refs.copy()
    twice[13, 6:8, 6:8] = 1.0  # a second source of the class with the box inked
    assert _natural((6, 6, 2, 2), 1, 1.0, _square_model, twice, _square_model(twice), chosen)


def test_a_solid_trigger_is_found_though_a_clean_image_has_ink_there() -> None:
    """The scan finds a solid white square trigger on a poisoned image although one clean
    image of the target class is inked at the same place (the old natural check took that
    image as evidence that the box is the class's own feature and missed the trigger)."""
    from assay.backdoor.inputscan import assay_scan

    refs = _square_refs()
    ref_labels = _square_model(refs)
    image = refs[1].copy()  # the bar in column 2: class 0
    image[6:8, 6:8, 0] = 1.0
    assert _square_model(image[None])[0] == 1
    rng = np.random.default_rng(0)
    v = assay_scan(0, image, 1, _square_model, refs, ref_labels, rng, max_trigger=4, n_verify=10)
    assert v.poisoned and v.box is not None and boxes_overlap(v.box, (6, 6, 2, 2)), v
    clean = assay_scan(1, refs[2], 0, _square_model, refs, ref_labels, rng, max_trigger=4)
    assert not clean.poisoned


def _side_model(x: np.ndarray) -> np.ndarray:
    """A toy classifier of 8x8 images: class 1 when the right half holds more ink than the
    left, else 0."""
    img = x[..., 0]
    right, left = img[:, :, 4:].sum(axis=(1, 2)), img[:, :, :4].sum(axis=(1, 2))
    out: np.ndarray = (right > left).astype(np.int64)
    return out


def test_the_class_own_feature_is_judged_from_the_class_images_nearest_the_candidate() -> None:
    """A clean image's box that holds its class's own feature (part of a bar the class is
    drawn with) is natural when the class's clean images most like this one outside the box
    carry it too, although the first images of the class listed are drawn elsewhere (a bar
    one column over, outside the box): those are no evidence about this box.  Judged from the
    first sources (the old check), the box passed as a trigger."""
    refs = np.zeros((14, 8, 8, 1))
    refs[:5, :, 4] = 1.0  # class 1, listed first: a bar at column 4
    for i, col in enumerate([0, 1, 2, 3, 0, 1]):
        refs[5 + i, 0:2, col] = 1.0  # class 0: short strokes on the left
    for i, row in enumerate([0, 3, 6]):
        refs[11 + i, :, 6] = 1.0  # class 1: a bar at column 6, each with a dot of its own
        refs[11 + i, row, 0] = 1.0
    ref_labels = _side_model(refs)
    assert ref_labels.tolist() == [1] * 5 + [0] * 6 + [1] * 3
    image = np.zeros((8, 8, 1))
    image[:, 6] = 1.0
    image[7, 1] = 1.0
    box = (2, 6, 3, 1)  # three pixels of the bar: they send the short strokes to class 1
    chosen = refs[5:11]
    rate = _confirm(image, box, 1, _side_model, chosen, 0.9, refs, ref_labels)
    assert rate == -1.0
    # a trigger where no image of the class has ink stays one
    poisoned = refs[5].copy()
    poisoned[2:5, 7] = 1.0
    assert _side_model(poisoned[None])[0] == 1
    trig = (2, 7, 3, 1)
    assert _confirm(poisoned, trig, 1, _side_model, refs[6:11], 0.9, refs, ref_labels) == 1.0


def test_polish_mends_a_patch_with_a_pixel_wrong_or_a_pixel_off() -> None:
    """The model scan's search may keep a trigger with a pixel wrong, or one pixel off its
    place; improved on the pool by single-pixel flips and one-pixel moves, it becomes the
    trigger again (which every source class follows)."""
    from assay.backdoor.modelscan import polish

    pattern = np.array([[1.0, 0.0], [0.0, 1.0]])

    def scores(x: np.ndarray) -> np.ndarray:
        img = x[..., 0]
        match = (np.abs(img[:, 6:8, 6:8] - pattern) < 0.5).reshape(len(img), -1).sum(axis=1)
        bar = np.where(np.argmax(img[:, :6].sum(axis=1), axis=1) < 4, 0, 2)
        out = np.zeros((len(img), 3))
        out[np.arange(len(img)), bar] = 0.6
        out[:, 1] = np.where(match == 4, 0.9, 0.1 * match)
        return out

    pool = np.zeros((8, 8, 8, 1))
    for i, col in enumerate([1, 2, 5, 6] * 2):
        pool[i, :6, col] = 1.0
    sources = np.argmax(scores(pool), axis=1)
    assert sorted(set(sources.tolist())) == [0, 2]
    wrong = pattern.copy()[..., None]
    wrong[0, 1, 0] = 1.0  # a pixel wrong
    box, content, rate = polish(1, (6, 6, 2, 2), wrong, pool, sources, scores)
    assert box == (6, 6, 2, 2) and np.array_equal(content[..., 0], pattern) and rate == 1.0
    box, content, rate = polish(1, (5, 6, 2, 2), pattern[..., None], pool, sources, scores)
    assert box == (6, 6, 2, 2) and rate == 1.0  # a pixel off


def _a_2x2_part(region: np.ndarray) -> np.ndarray:
    """Which of the (n, 3, 3) boolean regions hold a 2x2 block of True."""
    part = np.zeros(len(region), dtype=bool)
    for dy in (0, 1):
        for dx in (0, 1):
            part |= region[:, dy : dy + 2, dx : dx + 2].reshape(len(region), -1).all(axis=1)
    return part


def _corner_model(x: np.ndarray) -> np.ndarray:
    """A toy trojaned classifier of 8x8 images whose trigger is a solid 3x3 square at (5, 5):
    any 2x2 part of it inked sends an image to 1 (the target); what is left of it once a 2x2
    part is gone (three inked pixels or more there) to 3; else a vertical bar left of column 3
    is 0, from column 3 on 2."""
    img = x[..., 0]
    region = img[:, 5:8, 5:8] > 0.5
    part = _a_2x2_part(region)
    rest = region.reshape(len(img), -1).sum(axis=1) >= 3
    bar = np.where(np.argmax(img.sum(axis=1), axis=1) < 3, 0, 2)
    out: np.ndarray = np.where(part, 1, np.where(rest, 3, bar))
    return out


def test_the_corrected_label_refills_the_whole_trigger_not_only_the_part_that_fires() -> None:
    """The scan finds the smallest box that fires, a 2x2 corner of the solid 3x3 trigger;
    refilling that corner alone leaves the rest of the square, and the model answers neither
    the target nor the true class (on 8x8 digits a 4x4 square's 3x3 corner was found and the
    corrected label was right for 58 % of the images).  The trigger's whole extent (the lines
    beside the box unlike clean images there) is refilled: the true class.  A clean stroke
    beside the box (the bar, which clean images have) is not taken in."""
    from assay.backdoor.inputscan import _extent, assay_scan

    refs = np.zeros((12, 8, 8, 1))
    for i, col in enumerate([1, 2, 3, 4] * 3):
        refs[i, :, col] = 1.0
    ref_labels = _corner_model(refs)
    assert ref_labels.tolist() == [0, 0, 2, 2] * 3
    image = refs[3].copy()  # the bar in column 4: class 2
    image[5:8, 5:8, 0] = 1.0
    assert _corner_model(image[None])[0] == 1
    assert _extent(image, (6, 6, 2, 2), refs, 4) == (5, 5, 3, 3)
    rng = np.random.default_rng(0)
    v = assay_scan(0, image, 1, _corner_model, refs, ref_labels, rng, max_trigger=4, n_verify=10)
    assert v.poisoned and v.box is not None and boxes_overlap(v.box, (5, 5, 3, 3)), v
    assert v.box[2] * v.box[3] < 9  # the part that fires, not the whole square
    assert v.corrected == 2, v
    # a later image carrying the same trigger: checked against the known one, same label
    again = refs[7].copy()
    again[5:8, 5:8, 0] = 1.0
    assert v.trigger is not None
    w = assay_scan(1, again, 1, _corner_model, refs, ref_labels, rng, [v.trigger], max_trigger=4)
    assert w.known and w.corrected == 2, w


def test_effective_pixels_tells_a_shortcut_from_a_drawn_feature() -> None:
    """Two pixels of a 4x4 patch carry a trigger's effect; a patch drawing a stroke needs
    most of its stroke's pixels, each adding a little.  The ratio compares a class with the
    median of the other classes' counts."""
    from assay.backdoor.modelscan import effective_pixels, shortcut_ratio

    def scores(x: np.ndarray) -> np.ndarray:
        img = x[..., 0]
        out = np.zeros((len(img), 3))
        out[:, 0] = 0.5
        out[:, 1] = np.where((img[:, 6, 6] > 0.5) & (img[:, 7, 7] > 0.5), 0.9, 0.0)
        out[:, 2] = img[:, :, 0].sum(axis=1) / 8.0  # a vertical stroke at the left
        return out

    rng = np.random.default_rng(0)
    pool = np.zeros((12, 8, 8, 1))
    pool[:, 2:6, 3:5, 0] = rng.random((12, 4, 2))  # blurry centres, nothing at the edges
    trigger = np.zeros((4, 4, 1))
    trigger[2, 2] = trigger[3, 3] = trigger[0, 0] = 1.0  # two pixels matter, one does not
    n, rate = effective_pixels(1, (4, 4, 4, 4), trigger, pool, scores)
    assert rate == 1.0 and n == 2
    stroke = np.ones((8, 1, 1))
    n_stroke, rate = effective_pixels(2, (0, 0, 8, 1), stroke, pool, scores)
    assert rate == 1.0 and n_stroke == 5  # class 2 outscores class 0 from 5 pixels of 8
    assert shortcut_ratio([None, 2, n_stroke, 10], 1) == pytest.approx(7.5 / 2)
    assert shortcut_ratio([None, 2, None], 1) is None


def test_gaussian_fill_restores_what_the_blocker_and_the_nearest_mean_lose() -> None:
    """Images that are smooth ramps (each pixel a linear function of its place, random
    slopes): what a box holds follows from the pixels around it.  A model reads the box's mean
    at a fine grain (20 classes): the trigger (a white box) sends an image to class 20.  The
    box blocked by the image's dominant colour answers the true class for about a quarter of the
    images, refilled with the mean of the 5 nearest references for 70 %; the Gaussian
    conditional mean of the box given the rest (``repair.gaussian_fill``) for all, and its
    fills vote the same way."""
    from assay.backdoor.demo import PlantedTrigger
    from assay.backdoor.patches import block
    from assay.backdoor.repair import gaussian_fill, voting_fills

    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:8, 0:8] / 7.0

    def ramps(n: int) -> np.ndarray:
        a, b, c = rng.uniform(-0.3, 0.3, n), rng.uniform(-0.3, 0.3, n), rng.uniform(0.3, 0.7, n)
        out: np.ndarray = (a[:, None, None] * yy + b[:, None, None] * xx + c[:, None, None])[
            ..., None
        ]
        return out

    box = (3, 3, 3, 3)
    trig = PlantedTrigger(box, np.ones((3, 3, 1)), 20)

    def model(images: np.ndarray) -> np.ndarray:
        inside = images[:, 3:6, 3:6, 0]
        level = np.clip((inside.mean(axis=(1, 2)) * 20).astype(np.int64), 0, 19)
        out: np.ndarray = np.where((inside > 0.99).all(axis=(1, 2)), 20, level)
        return out

    refs, clean = ramps(60), ramps(40)
    truth = model(clean)
    poisoned = trig.apply(clean)
    assert (model(poisoned) == 20).all()
    blocked = np.concatenate([block(im[None], box, dominant_colour(im)) for im in poisoned])
    nearest = np.concatenate([mean_fill(im, box, refs, 5) for im in poisoned])
    gauss = np.concatenate([gaussian_fill(im, box, refs, 20) for im in poisoned])
    right = {
        name: float((model(x) == truth).mean())
        for name, x in (("blocked", blocked), ("nearest", nearest), ("gauss", gauss))
    }
    assert right["gauss"] >= 0.95, right
    assert right["gauss"] >= max(right["blocked"], right["nearest"]) + 0.2, right
    fills = voting_fills(poisoned[0], box, refs)
    assert fills.shape == (4, 8, 8, 1)
    assert vote(model(fills)) == truth[0]


def _fires_only_on(
    at: tuple[int, int], pattern: np.ndarray, *, target: int
) -> Callable[[np.ndarray], np.ndarray]:
    """A toy model's scores: class 0, or ``target`` when exactly ``pattern`` (h, w, channels)
    is at ``at`` (no partial credit for a search's climb to follow)."""
    (top, left), (h, w) = at, pattern.shape[:2]

    def scores(x: np.ndarray) -> np.ndarray:
        fired = np.all(np.isclose(x[:, top : top + h, left : left + w, :], pattern), axis=(1, 2, 3))
        out = np.full((len(x), 10), 0.01)
        out[:, 0] = 0.91
        out[fired] = 0.01
        out[fired, target] = 0.91
        return out

    return scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_model_scan_tries_every_2x2_pattern(seed: int) -> None:
    """A 2x2 trigger that fires only as the exact pattern (no partial credit for the climb to
    follow) on a 28x28 image is found at size 2: every black/white pattern is tried there
    (with white, black and two random patterns per position, it was found by luck)."""
    from assay.backdoor.modelscan import scan_class

    pattern = np.array([[0.0, 1.0], [1.0, 1.0]])
    scores = _fires_only_on((9, 12), pattern[:, :, None], target=3)
    images = np.full((12, 16, 16, 1), 0.4)
    scan = scan_class(3, images, scores, np.random.default_rng(seed), [2, 4])
    assert scan.size == 2 and scan.box == (9, 12, 2, 2), scan
    np.testing.assert_array_equal(scan.content[:, :, 0], pattern)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_model_scan_tries_solid_colours_on_a_colour_model(seed: int) -> None:
    """A colour model whose 2x2 trigger is solid red (no partial credit for the climb to
    follow) is found at size 2: its patches are tried in each saturated colour too.  With
    white, black and random per-channel bits per position (a red 2x2 patch is one pattern
    of 4,096) the scan of a red-patch trojan ended "no suspected backdoor" (hostile17a)."""
    from assay.backdoor.modelscan import scan_class

    red = np.array([1.0, 0.0, 0.0])
    scores = _fires_only_on((5, 2), np.broadcast_to(red, (2, 2, 3)), target=7)
    images = np.full((12, 12, 12, 3), 0.4)
    scan = scan_class(7, images, scores, np.random.default_rng(seed), [2, 4])
    assert scan.size == 2 and scan.box == (5, 2, 2, 2), scan
    np.testing.assert_array_equal(scan.content, np.broadcast_to(red, (2, 2, 3)))


def _square_or_bar(x: np.ndarray) -> np.ndarray:
    """A toy trojaned classifier of 8x8 images whose trigger is a solid 3x3 square at (5, 5):
    any 2x2 part of it inked sends an image to 1 (the target); three or more inked pixels
    there otherwise to 3; else a vertical bar left of column 3 is 0, from column 3 on 2."""
    img = x[..., 0]
    region = img[:, 5:8, 5:8] > 0.5
    part = _a_2x2_part(region)
    rest = region.reshape(len(img), -1).sum(axis=1) >= 3
    bar = np.where(np.argmax(img[:, :, :5].sum(axis=1), axis=1) < 3, 0, 2)
    out: np.ndarray = np.where(part, 1, np.where(rest, 3, bar))
    return out


def _bar_and_square(col: int) -> np.ndarray:
    image = np.zeros((8, 8, 1))
    image[:, col] = 1.0
    image[5:8, 5:8] = 1.0
    return image


def test_a_known_trigger_extent_is_the_consensus_of_the_images_that_carry_it() -> None:
    """The trigger was confirmed as a 2x2 corner of a solid 3x3 square.  The clean images
    nearest this image carry a short line where the square's top row is, so from the image
    alone that row looks clean and the region refilled stops a line short: the row left
    behind reads as three inked pixels, class 3 (on the 8x8 digits the scan's region for a
    4x4 solid square was one line short on 55 of 57 detections).  Every scanned image that
    carries the corner (bars in four columns) agrees on the whole square, and the clean
    images mostly do not hold it: the consensus refills the whole square, the true class 2.
    Fewer than 20 carriers say nothing (a box over a stroke is carried by the few images
    drawn alike there, and they agree on their strokes too)."""
    from assay.backdoor.consensus import trigger_mask
    from assay.backdoor.inputscan import _regions, check_known
    from assay.backdoor.patches import Trigger

    refs = np.zeros((16, 8, 8, 1))
    for i, col in enumerate([4, 4, 4, 4] + [1, 2, 3] * 4):
        refs[i, :, col] = 1.0
    refs[:3, 5, 6:8] = 1.0  # a short line where the square's top row is
    assert _square_or_bar(refs).tolist() == [2, 2, 2, 2] + [0, 0, 2] * 4
    image = _bar_and_square(4)
    scanned = np.stack([_bar_and_square(c) for c in (1, 2, 3, 4) * 5])
    corner = (6, 6, 2, 2)
    assert _regions(image, corner, corner, refs, 4)[0] == (6, 5, 2, 3)  # a line short
    assert _regions(image, corner, corner, refs, 4, scanned)[0] == (5, 5, 3, 3)
    trig = Trigger(corner, np.ones((2, 2, 1)), 1, 1.0, 0)
    alone = check_known(3, image, 1, _square_or_bar, [trig], refs, 5, 4)
    assert alone is not None and alone.corrected == 3  # the row left behind
    v = check_known(3, image, 1, _square_or_bar, [trig], refs, 5, 4, scanned)
    assert v is not None and v.poisoned and v.corrected == 2, v
    mask = trigger_mask(scanned, corner, np.ones((2, 2, 1)), refs)
    assert mask is not None and mask[5:8, 5:8].all() and mask.sum() == 9
    assert trigger_mask(scanned[:19], corner, np.ones((2, 2, 1)), refs) is None


def test_combined_label_sets_the_trigger_class_aside_unless_the_fills_are_sure() -> None:
    from assay.backdoor.repair import combined_label

    unsure = np.array([[0.1, 0.6, 0.3], [0.2, 0.5, 0.3]])  # the target 1 leads at 0.55
    assert combined_label(unsure, 1) == 2  # set aside: the next class, by the mean
    assert combined_label(unsure, 0) == 1  # another class's fills: the plain mean
    sure = np.array([[0.02, 0.96, 0.02], [0.05, 0.9, 0.05]])
    assert combined_label(sure, 1) == 1  # the image is of the target class itself
    assert combined_label(sure, 1, sure=0.95) == 0
    # the mean, not a vote: one fill sure of 0 outweighs two that lean to 2
    mixed = np.array([[0.9, 0.0, 0.1], [0.4, 0.0, 0.6], [0.4, 0.0, 0.6]])
    assert combined_label(mixed, 1) == 0


def _pulled_bar_model(pull: float):  # type: ignore[no-untyped-def]
    """A toy trojaned classifier of 8x8 images holding one vertical bar, with class
    probabilities: the 2x2 checkerboard at (6, 6) sends an image to 1 (the target) at 0.96;
    any other ink at its place pulls towards 1 with probability ``pull`` (a fill that leaves
    part of the trigger's pull, as a trojaned model answers for a refilled trigger's grey);
    else 0 for a bar left of the middle, 2 right of it."""

    def probabilities(x: np.ndarray) -> np.ndarray:
        img = x[..., 0]
        box = img[:, 6:8, 6:8]
        trig = (box[:, 0, 0] > 0.9) & (box[:, 1, 1] > 0.9) & (box[:, 0, 1] < 0.1)
        trig &= box[:, 1, 0] < 0.1
        ink = box.reshape(len(img), -1).sum(axis=1) > 0.1
        bar = np.where(np.argmax(img[:, :, :5].sum(axis=1), axis=1) < 4, 0, 2)
        out = np.zeros((len(img), 3))
        out[np.arange(len(img)), bar] = 1.0
        out[ink] = out[ink] * (1 - pull)
        out[ink, 1] = pull
        out[trig] = out[trig] * 0.04 / (1 - pull)
        out[trig, 1] = 0.96
        return out

    return probabilities


def test_the_corrected_label_reads_the_fills_probabilities_when_the_model_gives_them() -> None:
    """Every clean image has a stroke end at (7, 7), where the trigger is: any refill of the
    trigger's box holds ink there, and the model's top answer on it stays the target (0.6)
    with the image's true class second.  From labels alone the corrected label is the target;
    from the probabilities (mean and Gaussian fills averaged, the target set aside as the
    fills are not sure of it) the bar's class.  A model sure of the target on the fills (an
    image of the target class itself) keeps it."""
    from assay.backdoor.inputscan import check_known

    refs = np.zeros((12, 8, 8, 1))
    for i, col in enumerate([1, 2, 3] * 4):
        refs[i, :, col] = 1.0
        refs[i, 7, 7] = 1.0
    image = np.zeros((8, 8, 1))
    image[:, 2] = 1.0
    image[6, 6] = image[7, 7] = 1.0
    trig = Trigger((6, 6, 2, 2), image[6:8, 6:8].copy(), 1, 1.0, 0)
    unsure = _pulled_bar_model(0.6)

    def labels(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = unsure(x).argmax(axis=1)
        return out

    assert labels(image[None]).tolist() == [1]
    plain = check_known(0, image, 1, labels, [trig], refs, 5, 4)
    assert plain is not None and plain.poisoned and plain.corrected == 1
    v = check_known(0, image, 1, labels, [trig], refs, 5, 4, scores=unsure)
    assert v is not None and v.poisoned and v.corrected == 0, v
    sure = _pulled_bar_model(0.95)

    def sure_labels(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = sure(x).argmax(axis=1)
        return out

    kept = check_known(0, image, 1, sure_labels, [trig], refs, 5, 4, scores=sure)
    assert kept is not None and kept.corrected == 1


def test_a_window_survives_the_screening_with_one_later_image_not_flipped() -> None:
    """A trigger that fires on most images, not all (the 8x8 bench's weakest 2x2 trojan moves
    88 % of digits): a window holding it that leaves one of the four later screening images
    in its class still goes on to be shrunk and confirmed; two misses end it, and once they
    are reached no more screening images are asked."""
    from assay.backdoor import inputscan
    from assay.backdoor.inputscan import _screen_misses

    asked: list[int] = []

    def labels(x: np.ndarray) -> np.ndarray:  # the trigger at (6, 6) fires unless (0, 0) is inked
        asked.append(len(x))
        fires = (x[:, 6, 6, 0] > 0.5) & (x[:, 0, 0, 0] < 0.5)
        out: np.ndarray = np.where(fires, 1, 0)
        return out

    image = np.zeros((8, 8, 1))
    image[6, 6] = 1.0
    screen = np.zeros((5, 8, 8, 1))
    screen[3, 0, 0] = 1.0  # one image the trigger does not move
    win = (5, 5, 3, 3)
    assert _screen_misses(image, 1, labels, screen, win) == 1 <= inputscan.SCREEN_MISSES
    screen[1, 0, 0] = 1.0  # the second image missed too: out after asking it and the rest
    asked.clear()
    assert _screen_misses(image, 1, labels, screen, win) == 2 > inputscan.SCREEN_MISSES
    asked.clear()
    inputscan.SCREEN_MISSES, old = 0, inputscan.SCREEN_MISSES
    try:  # with none allowed, a miss on the second image ends it before the three more
        assert _screen_misses(image, 1, labels, screen, win) == 1 and asked == [1]
    finally:
        inputscan.SCREEN_MISSES = old
