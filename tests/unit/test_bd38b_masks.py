"""A known trigger's mask (``backdoor/masks.py``): the pixels of its box its flagged images
agree on; never learnt from fewer than three of them, never all of the box (a square: None),
never fewer than a quarter of it; kept through JSON (checkpoints, the filter file), and a
filter file's mask checked as an untrusted entry."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.filter import TriggerFilter, load_filter, save_filter
from assay.backdoor.images import ImageSpec
from assay.backdoor.masks import agreed_mask, with_masks
from assay.backdoor.patches import Trigger, trigger_present
from assay.backdoor.recheck import later_matchers
from assay.core.model import Capabilities, ModelInputs
from assay.errors import UsageError

PLUS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
SPEC = ImageSpec(height=8, width=8, channels=1, flatten=True, range_values=(0.0, 16.0))


def _carriers(n: int, seed: int = 0) -> np.ndarray:
    """(n, 8, 8, 1) images of random strokes with a white plus pasted on its pixels at (2, 2)."""
    rng = np.random.default_rng(seed)
    x = (rng.random((n, 8, 8, 1)) > 0.5).astype(np.float64) * 0.8
    x[:, 2:5, 2:5, 0][:, PLUS] = 1.0
    return x


def _form(image: np.ndarray) -> Trigger:
    return Trigger(
        box=(2, 2, 3, 3), content=image[2:5, 2:5, :].copy(), target=3, flip_rate=1.0, source=0
    )


def test_the_mask_of_a_plus_is_its_five_pixels() -> None:
    x = _carriers(12)
    mask = agreed_mask(x, _form(x[0]))
    assert mask is not None and (mask == PLUS).all()
    # matched on them: an image with the plus and other strokes at the corners is a carrier
    other = _carriers(1, seed=5)
    other[0, 2:5, 2:5, 0][~PLUS] = 1.0 - _form(x[0]).content[..., 0][~PLUS]
    masked = replace(_form(x[0]), mask=mask)
    assert trigger_present(other, masked)[0]
    assert not trigger_present(other, masked, masked=False)[0]
    assert not trigger_present(other, _form(x[0]))[0]  # (no mask: the box, as before)


def test_no_mask_from_few_images_from_a_square_or_from_too_few_pixels() -> None:
    x = _carriers(12)
    assert agreed_mask(x[:2], _form(x[0])) is None  # fewer than three flagged images
    square = x.copy()
    square[:, 2:5, 2:5, 0] = 1.0
    assert agreed_mask(square, _form(square[0])) is None  # every pixel agrees: the box
    one = np.random.default_rng(1).random((30, 8, 8, 1))
    one[:, 3, 3, 0] = 1.0  # one pixel shared: less than a quarter of the box
    assert agreed_mask(one, _form(one[0])) is None


def test_with_masks_learns_from_the_rows_flagged_with_each_trigger() -> None:
    x = _carriers(12)
    rows = [{"image": i, "poisoned": True, "trigger_id": 0} for i in range(12)]
    rows += [{"image": 0, "poisoned": False, "trigger_id": None}]
    forms = with_masks([(0, _form(x[0])), (1, _form(x[1]))], rows, x)
    first, second = forms[0][1].mask, forms[1][1].mask
    assert first is not None and (first == PLUS).all()
    assert second is None  # nothing flagged with trigger 1
    assert with_masks([(0, _form(x[0]))], rows, x, ids={1})[0][1].mask is None


def test_a_mask_survives_json_and_a_trigger_without_one_reads_as_before() -> None:
    x = _carriers(12)
    masked = replace(_form(x[0]), mask=PLUS.copy())
    data = json.loads(json.dumps(masked.to_json()))
    assert data["mask"] == PLUS.astype(int).tolist()
    back = Trigger.from_json(data)
    assert back.mask is not None and (back.mask == PLUS).all()
    old = _form(x[0]).to_json()
    assert "mask" not in old and Trigger.from_json(old).mask is None


class _Model:
    capabilities = Capabilities(modality="image", n_classes=10, outputs="labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        return np.zeros(len(np.asarray(inputs)), dtype=np.int64)


def test_the_filter_file_keeps_the_mask_and_refuses_a_bad_one(tmp_path: Path) -> None:
    x = _carriers(12)
    masked = replace(_form(x[0]), mask=PLUS.copy())
    p = save_filter(tmp_path / "f.json", SPEC, [masked, _form(x[1])], model=_Model())
    filt = load_filter(p, _Model())
    assert filt.triggers[0].mask is not None and (filt.triggers[0].mask == PLUS).all()
    assert filt.triggers[1].mask is None
    doc = json.loads(p.read_text())
    for bad, said in (
        ([[1, 1], [1, 1]], "is not 3x3"),
        ([[0, 0, 0]] * 3, "holds no pixel"),
        ([[0, 2, 0]] * 3, "is not 3x3 zeros and ones"),
    ):
        doc["triggers"][0]["mask"] = bad
        p.write_text(json.dumps(doc))
        with pytest.raises(UsageError, match=said):
            load_filter(p, _Model())


def test_an_image_scanned_before_a_mask_was_learnt_is_matched_again_on_it() -> None:
    """``recheck.later_matchers``: a form found before the image but masked since is asked
    again (its mask was learnt from later images); an unmasked one is not."""
    x = _carriers(12)
    early = replace(_form(x[0]), source=0)
    assert later_matchers([(0, early)], 5) == []
    masked = replace(early, mask=PLUS.copy())
    assert later_matchers([(0, masked)], 5) == [(0, masked)]


def test_the_filter_matches_a_masked_trigger_on_its_mask_after_every_whole_box() -> None:
    """An input whose box differs from the trigger's but on the mask's pixels is a carrier of
    the masked trigger; one carrying another trigger's whole box is that trigger's."""
    x = _carriers(12)
    masked = replace(_form(x[0]), mask=PLUS.copy())
    other = x[1:2].copy()
    other[0, 2:5, 2:5, 0][~PLUS] = 1.0 - masked.content[..., 0][~PLUS]
    assert TriggerFilter(_Model(), SPEC, [_form(x[0])]).carriers(other).tolist() == [-1]
    assert TriggerFilter(_Model(), SPEC, [masked]).carriers(other).tolist() == [0]
    whole = replace(_form(other[0]), target=4)  # its own box, exactly
    assert TriggerFilter(_Model(), SPEC, [masked, whole]).carriers(other).tolist() == [1]
