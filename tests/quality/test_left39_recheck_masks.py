"""left39 (mutation39's Left 2, TQ3): after the re-check flags images scanned before their
trigger was known, the masks are learnt again from every image flagged (``BackdoorSearch.
_recheck``): the exported filter matches inputs on them.  Twenty 16x16 digits carrying a white
plus, 400 queries an image: the re-check flags two; the plus's third form (a 4x4 box) learnt
before them kept a pixel beside the plus that its few images agreed on by chance, and the
filter matched inputs on it.  Fails with the relearning removed (that pixel in the mask)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from masked_triggers import MaskedTrigger, plus

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.filter import load_filter
from assay.models import load_model

pytestmark = pytest.mark.slow


def test_the_filter_matches_on_masks_learnt_after_the_recheck(tmp_path: Path) -> None:
    white_plus = MaskedTrigger(box=(6, 6, 3, 3), content=plus(1.0), target=2)
    d = trojaned_digits(seed=11, triggers=[white_plus], side=16)
    x, y = d.clean_images, d.clean_labels
    images = white_plus.apply(x[190:][y[190:] != 2][:20])
    model = load_model(d.model, modality="image")
    result = check_backdoor(
        model,
        images=images * 16.0,
        clean=x[:150] * 16.0,
        value_range="0,16",
        store=tmp_path / "runs.db",
        seed=0,
        max_queries_per_image=400,
        export_filter=tmp_path / "filter.json",
    )
    assert [row["image"] for row in result.summary["rows"] if row.get("rechecked")]
    on_plus = np.zeros((16, 16), dtype=bool)
    on_plus[6:9, 6:9] = ~np.isnan(plus(1.0)[..., 0])
    masks = 0
    for form in load_filter(tmp_path / "filter.json", model).triggers:
        if form.mask is None:
            continue
        masks += 1
        t, left, h, w = form.box
        beside = form.mask & ~on_plus[t : t + h, left : left + w]
        assert not beside.any(), (form.box, form.mask.astype(int).tolist())
    assert masks >= 2
