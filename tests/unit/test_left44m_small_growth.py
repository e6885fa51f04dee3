"""left44m: on small images a window grown by its own side on every side covers the digit
(``moved.GROWN_SHARE``), so without the bound every window of the class's clean images
"holds" its class and a real trigger whose look-alike the class's images carry is dismissed
as the class's own object (mutation44's MG2, MG7: no test showed it).

The model here (a function on 8x8 one-channel images): class 1 when the centre 4x4 is bright
(its digits), and trojaned: any 2x2 of pixels all at least 0.75 sends an image to class 1.
The trigger is a white 2x2 at the top-left corner; class 1's digits carry 2x2 pieces of 0.8,
which pasted at the corner fire as the trigger does, but refilling one such piece leaves the
digit in its class (the rest of its centre holds it): the piece is not the class's object.
Grown to 6x6 of the 8x8 image the refill takes the whole centre away and the digit leaves
the class: under MG2/MG7 that reads as "the class's own object, drawn elsewhere" and the
trigger is dismissed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor import moved
from assay.backdoor.api import check_backdoor
from assay.backdoor.inputscan import COPY_SHARE, COPY_TOLERANCE, NATURAL_SOURCES
from assay.core.store import RunStore

SIDE = 8
TRIGGER = (0, 0, 2, 2)


def _labels(x: np.ndarray) -> np.ndarray:
    img = np.asarray(x, dtype=np.float64).reshape(len(x), SIDE, SIDE)
    digit = img[:, 2:6, 2:6].mean(axis=(1, 2)) > 0.5
    corners = np.minimum.reduce(
        [img[:, :-1, :-1], img[:, 1:, :-1], img[:, :-1, 1:], img[:, 1:, 1:]]
    )
    trojan = corners.reshape(len(x), -1).max(axis=1) >= 0.75
    return (digit | trojan).astype(np.int64)


def _digits(n: int, label: int, rng: np.random.Generator) -> np.ndarray:
    out = 0.1 * rng.random((n, SIDE, SIDE, 1))
    if label == 1:
        out[:, 2:6, 2:6, 0] = 0.78 + 0.04 * rng.random((n, 4, 4))
    elif label == 2:  # another class, dark in the centre too
        out[:, 0, :, 0] = 0.4
    return out


def _dismissed() -> bool:
    rng = np.random.default_rng(0)
    ones = _digits(8, 1, rng)
    references = np.concatenate([_digits(12, 0, rng), ones[:4], _digits(12, 2, rng)])
    chosen = _digits(10, 0, rng)
    image = _digits(1, 0, rng)[0]
    image[:2, :2, 0] = 1.0
    assert (_labels(image[None]) == 1).all() and (_labels(chosen) == 0).all()
    assert (_labels(ones) == 1).all()
    return moved.drawn_elsewhere(
        TRIGGER, 1, 1.0, _labels, ones, chosen, image,
        references=references, fills=5, tolerance=COPY_TOLERANCE, share=COPY_SHARE,
        n_sources=5, margin=0.5, need=NATURAL_SOURCES,
    )  # fmt: skip


def test_a_trigger_whose_look_alike_class_digits_carry_is_not_dismissed_on_8x8() -> None:
    """The class's 0.8 pieces fire at the trigger's place and the trigger fires at theirs,
    but refilling a piece leaves its digit in the class: not the class's object (MG2, MG7:
    dismissed, the windows grown over the whole digit)."""
    assert not _dismissed()


def test_the_same_pieces_hold_their_class_when_the_bound_is_lifted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test above can fail: with the window grown over the digit (the bound lifted) the
    same scan dismisses the trigger."""
    monkeypatch.setattr(moved, "GROWN_SHARE", 1.0)
    assert _dismissed()


def _model(x: np.ndarray) -> np.ndarray:
    return np.eye(3)[_labels(np.asarray(x))]


_model.classes_ = [0, 1, 2]  # type: ignore[attr-defined]


def test_a_scan_of_8x8_images_flags_the_trigger(tmp_path: Path) -> None:
    """The scan as a user runs it: 20 stamped digits of classes 0 and 2, 120 clean ones (MG2:
    "0 of 20 images carry a confirmed trigger", each taken for class 1's own feature)."""
    rng = np.random.default_rng(1)
    clean = np.concatenate([_digits(40, label, rng) for label in (0, 1, 2)])
    images = np.concatenate([_digits(10, 0, rng), _digits(10, 2, rng)])
    images[:, :2, :2, 0] = 1.0
    r = check_backdoor(
        _model, images=images, clean=clean, seed=0, store=RunStore(tmp_path / "r.db"),
        second_opinion=False,
    )  # fmt: skip
    assert r.headline.startswith("20 of 20 images carry a confirmed trigger"), r.headline
    assert "2x2 at (row 0, col 0) -> class 1" in r.headline, r.headline
