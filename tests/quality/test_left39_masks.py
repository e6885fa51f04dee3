"""left39 (mutation39's Left 2): a known trigger's mask (``backdoor/masks.py``), of twenty or
thirty 16x16 digits carrying a white plus.

- TQ3: after the re-check flags images scanned before their trigger was known, the masks are
  learnt again from every image flagged (``BackdoorSearch._recheck``), and the exported filter
  matches inputs on them.  At 400 queries an image the re-check flags two; the plus's 4x4
  form learnt before them kept a pixel beside the plus that its few images agreed on by
  chance.  Fails with the relearning removed (that pixel in the filter's mask).
- TQ4: a mask is learnt by assay's strategy alone (bd38: its matching is that strategy's by
  design); a neo scan learnt one for each of its 2x2 forms of the plus when the strategy was
  not looked at.  Fails with that check removed from ``BackdoorSearch._one_image``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from masked_triggers import MaskedTrigger, plus

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.filter import load_filter
from assay.backdoor.phases import BackdoorResult
from assay.models import load_model

pytestmark = pytest.mark.slow

WHITE_PLUS = MaskedTrigger(box=(6, 6, 3, 3), content=plus(1.0), target=2)


def _plus_scan(tmp_path: Path, n: int, **options: Any) -> tuple[BackdoorResult, Any]:
    """An input scan of ``n`` digits carrying the plus (150 clean references), and its model."""
    d = trojaned_digits(seed=11, triggers=[WHITE_PLUS], side=16)
    x, y = d.clean_images, d.clean_labels
    images = WHITE_PLUS.apply(x[190:][y[190:] != 2][:n])
    model = load_model(d.model, modality="image")
    result = check_backdoor(
        model,
        images=images * 16.0,
        clean=x[:150] * 16.0,
        value_range="0,16",
        store=tmp_path / "runs.db",
        seed=0,
        **options,
    )
    return result, model


def test_the_filter_matches_on_masks_learnt_after_the_recheck(tmp_path: Path) -> None:
    filter_file = tmp_path / "filter.json"
    result, model = _plus_scan(tmp_path, 20, max_queries_per_image=400, export_filter=filter_file)
    assert [row["image"] for row in result.summary["rows"] if row.get("rechecked")]
    on_plus = np.zeros((16, 16), dtype=bool)
    on_plus[6:9, 6:9] = ~np.isnan(plus(1.0)[..., 0])
    masks = 0
    for form in load_filter(filter_file, model).triggers:
        if form.mask is None:
            continue
        masks += 1
        t, left, h, w = form.box
        beside = form.mask & ~on_plus[t : t + h, left : left + w]
        assert not beside.any(), (form.box, form.mask.astype(int).tolist())
    assert masks >= 2


def test_a_neo_scan_learns_no_mask(tmp_path: Path) -> None:
    result, _ = _plus_scan(tmp_path, 30, strategy="neo")
    summary = result.summary
    assert sum(1 for row in summary["rows"] if row["poisoned"]) >= 3  # (a mask's least)
    forms = [form for _, form in summary["matchers"]]
    assert forms and not [form["mask"] for form in forms if "mask" in form]
