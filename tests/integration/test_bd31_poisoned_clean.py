"""Clean images (--clean) holding a few poisoned ones no longer hide the trigger.

The default scan tells a trigger from its class's own feature by pasting the same box taken
from clean images of the class (``inputscan._natural``).  Clean images drawn from poisoned
data carry the trigger, pixel for pixel, and are in its class because of it: two of them
made it the class's own feature in every scanned image.  With a few poisoned images among
those scanned (under the ten ``overlap.pasted_feature`` needs to say so) the run printed
"0 of 200 images carry a confirmed trigger" and exited 0 (hostile30b's Left 1).  Clean
images that hold the candidate's own pixels in its box are now no sources for that check
(``inputscan.copies``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bd31_setups import poisoned_sets, scanned

from assay.backdoor.inputscan import copies
from assay.backdoor.phases import BackdoorResult

pytestmark = pytest.mark.slow


def _scan(seed: int, n_clean_poisoned: int, clean_model: bool, tmp_path: Path) -> BackdoorResult:
    # 3 poisoned of 200 scanned
    sets = poisoned_sets(seed, 200, [0, 66, 132], n_clean_poisoned, clean_model)
    return scanned(sets, tmp_path / "runs.db")


# seed 2: the scan finds the trigger a row up (3x3 at (4, 5)): the box holds a line of the
# scanned digit's own strokes, and the poisoned clean images hold 7 or 8 of its 9 pixels
@pytest.mark.parametrize("seed", [1, 2])
def test_a_trigger_carried_by_two_clean_images_is_still_found(seed: int, tmp_path: Path) -> None:
    r = _scan(seed, 2, False, tmp_path)
    # before: 0, exit 0
    assert r.headline.startswith("3 of 200 images carry a confirmed trigger"), r.headline
    # and nothing beside them: bd45's source-class check flagged 9 clean 7s at seed 1 (a 7's
    # stem, held by 14 of the 31 clean 7s, sent clean 3s to 7: the class's own; bd46)
    assert r.n_findings == 3, r.headline
    assert "NOT CLEAN by the" not in r.headline, r.headline
    assert "-> class 7" in r.headline


def test_a_clean_model_stays_quiet_with_the_same_clean_images(tmp_path: Path) -> None:
    r = _scan(1, 2, True, tmp_path)  # (the pasted checker means nothing to this model)
    assert r.n_findings == 0, r.headline
    assert r.not_a_pass is None, r.not_a_pass


def test_copies_are_pixel_for_pixel_not_alike() -> None:
    rng = np.random.default_rng(0)
    image = np.zeros((8, 8, 1))
    image[5:8, 5:8, 0] = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    pool = np.repeat(image[None], 6, axis=0)
    pool[1, 5, 5:8, 0] = [0.3, 0.7, 0.3]  # one row of three unlike: 6 of 9 pixels
    pool[2, 5, 5, 0] = 0.6  # one pixel unlike: 8 of 9
    pool[3, 5:8, 5:8, 0] += rng.uniform(0.1, 0.25, (3, 3)) * rng.choice([-1, 1], (3, 3))
    pool[4, 5:8, 5:8, 0] = 0.0  # the box's background alone
    pool[5] = rng.uniform(0, 1, (8, 8, 1))  # anything else
    pool[5, 5:8, 5:8, 0] = image[5:8, 5:8, 0]  # but the same box
    found = copies(pool, image, (5, 5, 3, 3)).tolist()
    assert found == [True, False, True, False, False, True]
    background = np.zeros((8, 8, 1))  # a box of background alone is nobody's copy
    assert not copies(np.zeros((2, 8, 8, 1)), background, (0, 0, 3, 3)).any()
