"""Is a known trigger's pattern one its class draws by itself?  Then an image of the class that
carries it is not poisoned by its pixels alone.

A known trigger is matched on later images by its pixels (``patches.trigger_present``: 85 % of
its box within 0.25), and when blocking it changes nothing (an image of the trigger's own
class, or a trigger the colour of the background) its exact pixels, not mostly background,
decide (``inputscan.check_known``).  That holds for a pattern clean images of the class do not
carry.  A trigger first confirmed on a clean image whose own strokes fire the backdoor (a '2'
whose stroke ends bright in the bottom-right corner of 28x28 digits, where a random grey
trigger sends images to '1') is kept as that form too, and clean '1's whose base stroke ends
there carry it within the tolerance: main flagged two clean '1's of 60 with it, on the quick
bench's 3x3 and 4x4 random triggers alike (bench/RESULTS.md, bd39).  The evidence is the one the
natural-feature check takes for copies (``inputscan._pasted_in``): clean images of the class
that hold the pattern stay in the class with its box refilled from the clean images that do
not, so the class draws it there; a pasted trigger put them in the class (refilled, at least
one leaves it).  No clean image of the class holding it: no query, the pixels decide as before.
(Also refusing a pattern that a clean image of another class holds, which the model leaves
there, lost the dark plus at the centre of 16x16 digits, 21.5 -> 4.3 % found: a dark trigger
is never shown by blocking, so its pixels decide for every image, and clean '0's hold a dark
centre within the tolerance without firing.)
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Trigger, trigger_present
from assay.backdoor.repair import mean_fill
from assay.backdoor.verdicts import Labeler

__all__ = ["class_draws"]


def class_draws(
    trigger: Trigger,
    label: int,
    labels: Labeler,
    references: np.ndarray,
    reference_labels: np.ndarray,
    most: int = 5,
) -> bool:
    """Do the clean ``references`` the model puts in ``label`` that carry the trigger's pixels
    (as a scanned image is matched: its whole box) all stay in ``label`` with its box refilled
    from the references that do not carry them (``repair.mean_fill``; up to ``most`` of them,
    one call)?  False, without a query, when none carries them; True when every reference does
    (nothing to refill from: the pattern is everyone's)."""
    mine = references[reference_labels == label]
    if not len(mine):
        return False
    holders = mine[trigger_present(mine, trigger, masked=False)]
    if not len(holders):
        return False
    others = references[~trigger_present(references, trigger, masked=False)]
    if not len(others):
        return True
    fills = np.concatenate([mean_fill(img, trigger.box, others) for img in holders[:most]])
    return bool((labels(fills) == label).all())
