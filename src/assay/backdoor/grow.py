"""Fine to coarse: the best patch of a smaller size, carried into a larger size's search.

The model scan tries patch sizes from small to large and stops at the first whose best patch
sends ``tau`` of the search's images to the class.  A trigger can be found exactly at its own
size and still fall short there: the images' own strokes beside it weaken it on some source
classes (a 4x4 white square in the corner of a 32x32 CNN's input sent 35 of 40 images, the
digits '2' running into its corner half the time; bench/RESULTS.md, bd32).  The same square
with a dark margin masking those strokes sent them all, but a larger size's first candidates
are random contents per position, which hold a given 4x4 square with a uniform margin
around it almost never.  So each larger size also tries the best patch found so far (when
it sends at least half of the images), placed in a box of the new size at its own place (the
small box at the larger box's corners, edge middles and centre, as the image's border
allows), the margin filled with black or with white: the one of these the screen ranks first
is asked on the search's images, and kept when it sends more of them than the climb's best.
The climb itself is left as it was (as its starting points, the grown patches took the
places of its own best candidates: a clean 16x16 MLP's class it had reached at size 6 was
not reached there), so the search stays what it was for any trigger (content, colour,
position), with one more contender per size.
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Box

__all__ = ["grown"]


def _starts(at: int, small: int, size: int, side: int) -> list[int]:
    """Where a box of ``size`` holding [at, at + small) along one axis may start: with the
    small box at its start, middle and end, inside [0, side)."""
    slack = size - small
    out = []
    for start in (at, at - slack // 2, at - slack):
        start = min(max(start, 0), side - size)
        if start not in out:
            out.append(start)
    return out


def grown(
    box: Box, content: np.ndarray, size: int, height: int, width: int
) -> list[tuple[Box, np.ndarray]]:
    """The patch (``box``, ``content``) placed in boxes of side ``size`` that hold it where it
    is, the margin black or white (each channel 0 or 1): at most 9 boxes x 2 fills.  None when
    ``size`` is not larger than the patch or the image cannot hold the box."""
    t, left, h, w = box
    if size <= max(h, w) or size > min(height, width):
        return []
    out: list[tuple[Box, np.ndarray]] = []
    for fill in (0.0, 1.0):
        for top in _starts(t, h, size, height):
            for start in _starts(left, w, size, width):
                c = np.full((size, size, content.shape[2]), fill)
                c[t - top : t - top + h, left - start : left - start + w] = content
                out.append(((top, start, size, size), c))
    return out
