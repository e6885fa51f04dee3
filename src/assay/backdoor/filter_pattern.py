"""A known trigger's pattern at lower contrast: what the run-time filter also refills.

The filter matches a trigger by its pixels (each within ``tolerance``, ``patches.
trigger_present``).  A trigger image resized (a camera pipeline's down- and up-sampling),
blurred or dimmed keeps the trigger's shape but not its values: on the trojaned digits MLP, a
3x3 checker passed through an 8 -> 16 -> 8 bilinear resize was sent to its target 84.6 % of
the time and matched by pixels 0 % (every pixel pulled towards grey by more than 0.25).  Here
the region's deviations from its own mean are compared with the trigger's (a correlation,
blind to brightness and contrast): at least ``LEAST`` and some contrast left marks a suspect.
A suspect costs one query (refilled and asked again); the filter changes its answer only when
the model answers the trigger's target and something else once refilled, as for a pixel
match, so a clean image that looks like the pattern keeps its answer.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Trigger

__all__ = ["LEAST", "pattern_present"]

LEAST = 0.6  # correlation with the trigger's pattern (clean digits: at most 0.40 at its box)
MIN_VALUES = 9  # fewer values (a 2x2 grey trigger): a correlation of chance, not a shape
MIN_CONTRAST = 0.1  # the region's spread against the trigger's: a flat region is no pattern


def pattern_present(images: np.ndarray, trigger: Trigger) -> np.ndarray:
    """Which of ``images`` (n, H, W, C, canonical) hold the trigger's pattern in its box (on
    its mask's pixels when it has one) at any brightness and contrast; none for a trigger of
    one colour or of fewer than ``MIN_VALUES`` values (it has no pattern to tell)."""
    t, left, h, w = trigger.box
    region = images[:, t : t + h, left : left + w, :]
    content = np.asarray(trigger.content, dtype=np.float64)
    if trigger.mask is not None:
        region, content = region[:, trigger.mask], content[trigger.mask]
    # deviations from each channel's own mean over the box: a pattern in space, so a trigger
    # of one colour (solid red: its channels differ, its pixels do not) has none, and a red
    # region of a clean photograph is not taken for it
    channels = content.shape[-1]
    flat = content.reshape(-1, channels)
    want = (flat - flat.mean(axis=0)).reshape(-1)
    spread = float(np.linalg.norm(want))
    found = np.zeros(len(images), dtype=bool)
    if want.size < MIN_VALUES or spread < 1e-9 or not len(images):
        return found
    got = region.reshape(len(images), -1, channels).astype(np.float64)
    got = (got - got.mean(axis=1, keepdims=True)).reshape(len(images), -1)
    norms = np.linalg.norm(got, axis=1)
    contrast = norms >= MIN_CONTRAST * spread
    corr = (got @ want) / np.maximum(norms * spread, 1e-12)
    found[contrast & (corr >= LEAST)] = True
    return found
