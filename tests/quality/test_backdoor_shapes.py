"""A trigger that is not a square in a corner: a plus at the centre of 8x8 digits, over the
strokes, pasted on its five pixels only (``bench/backdoor_shapes.py``'s "plus-centre" and
"dark-plus" cases).  Its target's own clean images carry look-alikes of it (a '3''s middle bar,
a '0''s hole), which fire the backdoor, and the natural-feature check takes them for the
class's own feature on the first images that carry it (bench/RESULTS.md, branch bd38); the
later ones are matched on the known trigger's own pixels (its mask, branch bd38b)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from masked_triggers import MaskedTrigger, plus, scanned

from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, trojaned_digits
from assay.backdoor.patches import boxes_overlap

pytestmark = pytest.mark.slow


WHITE = MaskedTrigger(box=(2, 2, 3, 3), content=plus(1.0), target=3)
BLACK = MaskedTrigger(box=(2, 2, 3, 3), content=plus(0.0), target=0)


def _scan(d: TrojanedDigits, trig: PlantedTrigger, tmp: Path) -> tuple[np.ndarray, list[dict]]:
    """60 held-out digits of other classes with the trigger pasted, 40 clean ones (150 clean
    references); which images the trigger sends to its target, and the scan's rows."""
    x, y = d.clean_images, d.clean_labels
    pool = x[190:][y[190:] != trig.target][:60]
    images = np.concatenate([x[150:190], trig.apply(pool)])
    sent = np.zeros(len(images), dtype=bool)
    sent[40:] = d.model.predict(d.spec.to_model(images[40:])) == trig.target
    r = scanned(d, images, tmp / "runs.db", seed=1)
    return sent, r.summary["rows"]


def test_a_plus_at_the_centre_is_found_where_its_class_draws_look_alikes(
    tmp_path: Path,
) -> None:
    """The white plus -> '3' (seed 12; a '3''s middle bar fires the backdoor): the
    natural-feature check's sources nearest the plus in the box are such '3's, and a scan of
    the image's own passes about half the poisoned images as the class's own feature (main
    before masks: 49.1 % here; 49 of 81 in the bench).  Once three images are flagged with the
    plus, the later ones are matched as carriers of the known trigger on the plus's own pixels
    (``masks.py``) and never reach that check: 100 % (53 of 53; 50 as known), no clean image
    flagged (bench/RESULTS.md, bd38b).  Wanted: every detection at the plus, to its target,
    within the query budget; no clean image flagged.  (The black plus -> '0' is not asserted:
    every '0''s hole holds it, so even the sources drawn like the image fire.)"""
    trig = WHITE
    d = trojaned_digits(seed=12, triggers=[trig])
    sent, rows = _scan(d, trig, tmp_path)
    flagged = np.array([row["poisoned"] for row in rows])
    assert sent.sum() >= 40
    assert flagged[sent].mean() >= 0.8
    assert not flagged[:40].any()
    for row in rows:
        if row["poisoned"]:
            assert row["target"] == trig.target and boxes_overlap(row["box"], trig.box)
    clean_queries = [row["queries"] for row in rows[:40]]
    assert np.mean(clean_queries) <= 50


def test_a_clean_model_stays_quiet_on_digits_with_a_plus_at_the_centre(tmp_path: Path) -> None:
    """The same images (white and black plus) on a clean model of the same recipe: nothing."""
    for trig, seed in ((WHITE, 12), (BLACK, 11)):
        d = trojaned_digits(seed=seed, clean=True)
        _, rows = _scan(d, trig, tmp_path / str(seed))
        assert not any(row["poisoned"] for row in rows)


@pytest.mark.xfail(
    strict=True,
    reason="bd39 Left: the natural-feature check's sources by content (NATURAL_BY_CONTENT) "
    "pass 2 of the 6 as the class's own feature; off, they are found but 28x28 costs 2 clean "
    "images flagged",
)
def test_the_first_images_of_a_plus_like_its_class_s_piece_are_found(tmp_path: Path) -> None:
    """The white plus -> '3' (seed 12) on only six poisoned digits after 40 clean ones: too few
    for the later images to be matched as carriers of a known trigger (``masks.py``), so each
    is found by its own scan or not at all.  With the natural-feature check's sources also
    taken by their content in the box (``inputscan.NATURAL_BY_CONTENT``, on), those are the
    '3's most like the plus, which the backdoor fires on, and 2 of the 6 pass as the class's
    own feature (4 found); with the sources drawn like the image outside the box only, all 6
    are found (bench/RESULTS.md, bd39: not landed, its cost at 28x28 stands)."""
    trig = WHITE
    d = trojaned_digits(seed=12, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    pool = trig.apply(x[190:][y[190:] != trig.target][:60])
    pool = pool[d.model.predict(d.spec.to_model(pool)) == trig.target][:6]
    assert len(pool) == 6
    rows = scanned(d, np.concatenate([x[150:190], pool]), tmp_path / "runs.db", seed=1).summary[
        "rows"
    ]
    flagged = np.array([row["poisoned"] for row in rows])
    assert not flagged[:40].any()
    assert flagged[40:].all()
    for row in rows[40:]:
        assert row["target"] == trig.target and boxes_overlap(row["box"], trig.box)
