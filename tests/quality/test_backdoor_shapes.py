"""A trigger that is not a square in a corner: a plus at the centre of 8x8 digits, over the
strokes, pasted on its five pixels only (``bench/backdoor_shapes.py``'s "plus-centre" and
"dark-plus" cases).  Its target's own clean images carry look-alikes of it (a '3''s middle bar,
a '0''s hole), which fire the backdoor, and the natural-feature check takes them for the
class's own feature: a known miss, kept as a strict xfail (bench/RESULTS.md, branch bd38)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, trojaned_digits
from assay.backdoor.patches import boxes_overlap
from assay.models import load_model

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class MaskedTrigger(PlantedTrigger):
    """Pasted on its pixels only: ``content`` is NaN where the image is kept."""

    def apply(self, images: np.ndarray) -> np.ndarray:
        t, left, h, w = self.box
        out = images.copy()
        region = out[:, t : t + h, left : left + w, :]
        out[:, t : t + h, left : left + w, :] = np.where(
            np.isnan(self.content), region, self.content
        )
        return out


def _plus(value: float) -> np.ndarray:
    rows = [".#.", "###", ".#."]
    return np.array([[value if c == "#" else np.nan for c in r] for r in rows])[..., None]


WHITE = MaskedTrigger(box=(2, 2, 3, 3), content=_plus(1.0), target=3)
BLACK = MaskedTrigger(box=(2, 2, 3, 3), content=_plus(0.0), target=0)


def _scan(d: TrojanedDigits, trig: PlantedTrigger, tmp: Path) -> tuple[np.ndarray, list[dict]]:
    """60 held-out digits of other classes with the trigger pasted, 40 clean ones (150 clean
    references); which images the trigger sends to its target, and the scan's rows."""
    x, y = d.clean_images, d.clean_labels
    pool = x[190:][y[190:] != trig.target][:60]
    images = np.concatenate([x[150:190], trig.apply(pool)])
    sent = np.zeros(len(images), dtype=bool)
    sent[40:] = d.model.predict(d.spec.to_model(images[40:])) == trig.target
    r = check_backdoor(
        load_model(d.model, modality="image"),
        images=images * 16.0,
        clean=x[:150] * 16.0,
        value_range="0,16",
        store=tmp / "runs.db",
        seed=1,
    )
    return sent, r.summary["rows"]


@pytest.mark.xfail(
    strict=True,
    reason="known miss (bench/RESULTS.md, branch bd38, Left 0): the natural-feature check's "
    "sources nearest the plus in the box are '3's the backdoor fires on",
)
def test_a_plus_at_the_centre_is_found_where_its_class_draws_look_alikes(
    tmp_path: Path,
) -> None:
    """The white plus -> '3' (seed 12; a '3''s middle bar fires the backdoor): the
    natural-feature check's sources nearest the plus in the box are such '3's, and it passes
    about half the poisoned images as the class's own feature (49.1 % here; 49 of 81 in the
    bench).  With the sources drawn like the image outside the box only
    (``inputscan.NATURAL_BY_CONTENT = False``) 88.7 %, but a clean 28x28 '9''s loop then passes
    as a trigger, so that is not the default.  Wanted: every detection at the plus, to its
    target, within the query budget; no clean image flagged.  (The black plus -> '0' is not
    asserted: every '0''s hole holds it, so even the sources drawn like the image fire.)"""
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
