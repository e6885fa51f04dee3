"""left39 (mutation39's Left 2, TQ4): a known trigger's mask (``backdoor/masks.py``) is learnt
by assay's strategy alone (bd38: the mask's matching is its own by design); a neo scan of
images carrying a plus learnt one for each of its 2x2 forms (the plus's three pixels in it)
when the strategy was not looked at.  Fails with that check removed from
``BackdoorSearch._one_image`` (seven masked forms of the plus)."""

from __future__ import annotations

from pathlib import Path

import pytest
from masked_triggers import MaskedTrigger, plus

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits
from assay.models import load_model

pytestmark = pytest.mark.slow


def test_a_neo_scan_learns_no_mask(tmp_path: Path) -> None:
    white_plus = MaskedTrigger(box=(6, 6, 3, 3), content=plus(1.0), target=2)
    d = trojaned_digits(seed=11, triggers=[white_plus], side=16)
    x, y = d.clean_images, d.clean_labels
    images = white_plus.apply(x[190:][y[190:] != 2][:30])
    result = check_backdoor(
        load_model(d.model, modality="image"),
        images=images * 16.0,
        clean=x[:150] * 16.0,
        value_range="0,16",
        store=tmp_path / "runs.db",
        seed=0,
        strategy="neo",
    )
    summary = result.summary
    assert sum(1 for row in summary["rows"] if row["poisoned"]) >= 3  # (a mask's least)
    forms = [form for _, form in summary["matchers"]]
    assert forms and not [form["mask"] for form in forms if "mask" in form]
