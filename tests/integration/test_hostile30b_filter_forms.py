"""The exported filter matches inputs against every form its triggers were confirmed as.

The scan keeps every box and pixel pattern a trigger was confirmed as and matches later
images against them all; the filter was exported with each trigger's first form only.  On a
trojaned digits MLP (3x3 checker at (5, 5) -> 7) the first form was a 4x4 box at (4, 4),
holding a row and a column of the source digit's strokes: the scan said "30 of 60 images
carry a confirmed trigger" while its filter flagged 3 of those 60 (overhead 0.050) and 13.9 %
of held-out poisoned digits, answering the true class for 13.3 % (hostile30b).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import BackdoorResult, check_backdoor
from assay.backdoor.demo import TrojanedDigits, trojaned_digits
from assay.backdoor.filter import load_filter
from assay.models import load_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=1, size=3, position=(5, 5), target=7)


def _scan(trojan: TrojanedDigits, tmp_path: Path, **options: object) -> BackdoorResult:
    """60 digits, every other one poisoned; 200 clean digits."""
    x = trojan.clean_images
    scan = x[:60].copy()
    scan[::2] = trojan.poisoned(scan[::2])
    return check_backdoor(
        trojan.model,
        images=scan * 16.0,
        clean=x[100:300] * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp_path / "runs.db",
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("units", [None, 3])
def test_the_filter_flags_the_poisoned_inputs_the_scan_flagged(
    trojan: TrojanedDigits, tmp_path: Path, units: int | None
) -> None:
    x, y = trojan.clean_images, trojan.clean_labels
    path = tmp_path / "filter.json"
    r = _scan(trojan, tmp_path, export_filter=path, units=units)
    assert r.n_findings >= 28, r.headline
    # the filter costs one query more exactly on the inputs carrying a trigger's pixels
    assert r.filter_overhead is not None and r.filter_overhead >= 0.9 * r.n_findings / 60
    assert len(r.trigger_forms) >= len(r.triggers) >= 1
    filt = load_filter(path, load_model(trojan.model, modality="image"))
    held_x, held_y = x[300:][y[300:] != 7], y[300:][y[300:] != 7]
    stamped = trojan.poisoned(held_x)
    answers, flags = filt.predict_flagged(trojan.spec.to_model(stamped))
    assert flags.mean() >= 0.95, flags.mean()
    assert (np.asarray(answers).argmax(axis=1) == held_y).mean() >= 0.85
    _, clean_flags = filt.predict_flagged(trojan.spec.to_model(x[300:]))
    assert clean_flags.mean() <= 0.01


def test_the_headline_gives_the_box_most_images_show(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """The headline gave the box the trigger was first confirmed as, "4x4 at (row 4, col 4)"
    (a row and a column of a stroke beside the 3x3 checker), while 28 of its 30 images held
    it at 3x3 (row 5, col 5)."""
    r = _scan(trojan, tmp_path)
    assert r.triggers[0].box != (5, 5, 3, 3)  # the case: first confirmed as another box
    assert "trigger 0: 3x3 at (row 5, col 5) in " in r.headline, r.headline
