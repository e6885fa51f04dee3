"""Do clean images hold a known trigger's pattern as their own?  Then an image of its class
that carries it is not poisoned by its pixels alone.

A known trigger is matched on later images by its pixels (``patches.trigger_present``: 85 % of
its box within 0.25), and when blocking it changes nothing (an image of the trigger's own
class) its exact pixels, not mostly background, decide (``inputscan.check_known``).  That
holds for a pattern clean images do not carry.  Two forms a trigger is kept as are not such a
pattern (bench/RESULTS.md, bd39; 28x28 digits, the quick bench):

- a form confirmed on a clean image whose own strokes fire the backdoor (a '2' whose stroke
  ends bright in the corner where a random grey trigger sends images to '1'): clean '1's whose
  base stroke ends there carry it within the tolerance; 2 of 60 clean images flagged per random
  trigger (3x3 and 4x4).  Its clean holders of the class stay in it with the box refilled
  from the clean images that do not hold it: the class draws it there (the evidence the
  natural-feature check takes for copies, ``inputscan._pasted_in``); a pasted trigger put them
  in the class (refilled, at least one leaves it);
- a large box of a poisoned image (14x14 of a '0' holding a 4x4 checker, confirmed when the
  natural-feature check takes its sources by the outside of the box only,
  ``inputscan.NATURAL_BY_CONTENT`` off): at 85 % of 196 pixels the checker's 16 need not be
  there at all, and clean '9's matched it.  Clean '0's hold it too, and the model leaves them
  '0's: the pattern matched does not fire the backdoor.

No clean image holding it: no query, the pixels decide as before.
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
    """Do clean images hold the trigger's pixels (as a scanned image is matched: its whole box)
    as their own?  Yes when one the model puts in another class than ``label`` holds them (no
    query: there they did not fire the backdoor, so matching them is not carrying what fires
    it), or when the clean ``references`` of ``label`` that hold them all stay in ``label`` with
    its box refilled from the references that do not hold them (``repair.mean_fill``; up to
    ``most`` of them, one call).  False, without a query, when no reference holds them; True
    when every reference does (nothing to refill from: the pattern is everyone's)."""
    holds = trigger_present(references, trigger, masked=False)
    if not holds.any():
        return False
    if (holds & (reference_labels != label)).any():
        return True
    others = references[~holds]
    if not len(others):
        return True
    holders = references[holds][:most]
    fills = np.concatenate([mean_fill(img, trigger.box, others) for img in holders])
    return bool((labels(fills) == label).all())
