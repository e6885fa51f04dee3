"""Clean images all of one class no longer confirm pieces of other digits as triggers.

A trigger is told from its class's own features by pasting the same box taken from clean
images of the target class (``inputscan._natural``).  With clean images all '3's there is no
such image: the check passed every candidate, and a 4x4 piece of a '2' that turns 3s into 2s
was confirmed as a trigger.  hostile36 (Left 10): ``--clean`` all '3's flagged 41 of 60 8x8
digits with 30 poisoned.  The images scanned that the model puts in the target class now stand
in for the missing clean ones (``inputscan.natural_pool``), those carrying a trigger already
confirmed left out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.inputscan import natural_pool
from assay.backdoor.patches import Trigger

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("one", [3, 0])
def test_clean_images_of_one_class_flag_no_piece_of_a_digit(tmp_path: Path, one: int) -> None:
    """42 clean '3's, or 47 clean '0's (stuck37: bd36b left 10 of the 40 clean digits
    flagged with the '0's, pieces of a '9', '5', '4' ... that turn 0s into them; each sends
    4-45 % of the images scanned of a third class there, the trigger 100 %:
    ``backdoor.across``)."""
    t = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    x = t.clean_images
    classes = t.model.predict_proba(x.reshape(len(x), -1)).argmax(1)
    scan = x[:60].copy()
    scan[:20] = t.poisoned(scan[:20])
    clean = x[200:][classes[200:] == one][:60]
    r = assay.check_backdoor(
        t.model,
        images=scan * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=0,
        store=str(tmp_path / "runs.db"),
        determinism_check=False,
    )
    flags = [bool(row["poisoned"]) for row in r.summary["rows"]]
    assert sum(flags[:20]) == 20, r.headline  # every poisoned image still found
    # bd36b's main: 4 of the 40 clean digits flagged with '3's, 18 with '0's; bd36b: 1, 10
    assert sum(flags[20:]) == 0, r.headline
    assert f"one class ({one})" in r.headline  # (the warning: stuck37)


def test_the_images_scanned_stand_in_only_for_missing_clean_sources() -> None:
    verify = np.zeros((4, 8, 8, 1))
    verify_labels = np.array([3, 3, 3, 2])
    scanned = np.zeros((5, 8, 8, 1))
    scanned[1, 5:8, 5:8, 0] = 1.0  # carries the trigger below
    scanned_labels = np.array([7, 7, 7, 2, 7])
    trigger = Trigger((5, 5, 3, 3), np.ones((3, 3, 1)), 7, 1.0, 1)
    pool, labels = natural_pool(verify, verify_labels, 7, 0, scanned, scanned_labels, [trigger])
    assert len(pool) == len(labels)
    assert labels.tolist() == [3, 3, 3, 2, 7, 7]  # images 2 and 4: not itself, not image 1
    # a class with two clean sources or more: the clean images alone, as before
    same, same_labels = natural_pool(verify, verify_labels, 3, 0, scanned, scanned_labels)
    assert same is verify and same_labels is verify_labels
