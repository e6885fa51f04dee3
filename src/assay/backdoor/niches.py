"""The model scan's climb keeps its starting points at different places of the image.

For one class and one patch size, the scan scores every position with a few contents on a few
screening images, then climbs (flip a pixel, move by one pixel) from the best candidates.  The
landscape has several peaks: a class's own stroke drawn where the digits have it, and a
planted trigger where it was planted.  Ranked by score alone, the best candidates are near-
copies of the highest peak (the same stroke one pixel off, with other contents), and every
round's children of them outrank anything elsewhere: the climb spent its whole budget on one
place.  On a trojaned 28x28 digits MLP the box holding a 2x2 trigger's pattern ranked 7th of
2,500 first candidates for its class, behind six boxes on the left-edge stroke of a '3', and
the climb never came back to it (bench/RESULTS.md, bd34).  So half the climb's elites are
taken in score order each at a box sharing no pixel with a better one's, as many separate hill
climbs at as many places, and the other half are the best of the rest, which deepens the
climb at the best places (with every elite at a separate place, a toy's 3x3 checkerboard at
the border was found in none of four scans, with the top of the ranking in three: one climb
per place was too shallow to finish a pattern found in part).  Which places a trigger may be
at is not assumed: the best candidate still leads, and the others are the best of the rest of
the image.  (Asking the best of each separate place on the search's 40 images at the end of
each size, not only the screen's best, gave the same verdicts on the 28x28 and 16x16 digits
MLPs, one 8x8 target fewer, and 4,000-10,000 more queries a model: not done; bench/RESULTS.md,
bd34.)

Once there, a box can cut through the pattern it holds part of: the best box at the trigger's
place above held one of its two columns.  A move carrying the content with the box moves that
column off the trigger; ``slid`` moves the box alone, the pixels it keeps left where they are
in the image.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.backdoor.patches import Box

__all__ = ["apart", "overlap", "slid"]


def overlap(a: Box, b: Box) -> bool:
    """Do two boxes (top, left, height, width) share a pixel?"""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def apart(boxes: Sequence[Box], score: np.ndarray, k: int, places: int | None = None) -> np.ndarray:
    """The indices of ``k`` candidates (fewer when there are fewer): first the best ``score``
    of up to ``places`` separate places (each at a box sharing no pixel with any better one
    taken; ties: the earlier candidate), then the best of the rest (``places`` None: all
    ``k`` at separate places, as the image holds them)."""
    order = np.argsort(-score, kind="stable")
    wanted = k if places is None else min(places, k)
    taken: list[int] = []
    for j in order:
        if len(taken) == wanted:
            break
        if not any(overlap(boxes[int(j)], boxes[i]) for i in taken):
            taken.append(int(j))
    chosen = set(taken)
    taken += [int(j) for j in order if int(j) not in chosen][: k - len(taken)]
    return np.asarray(taken, dtype=np.int64)


def slid(content: np.ndarray, dt: int, dl: int, rng: np.random.Generator) -> np.ndarray:
    """A patch's content when its box moves by (``dt``, ``dl``) and the pixels it shares with
    the old box stay where they are in the image; the row or column it moves onto gets random
    black/white pixels.  (Moving the content with the box moves a trigger that is found one
    pixel off; this moves a box that cuts through a pattern it holds part of onto the rest.)"""
    h, w = content.shape[:2]
    out = rng.integers(0, 2, size=content.shape).astype(np.float64)
    ys, xs = slice(max(dt, 0), h + min(dt, 0)), slice(max(dl, 0), w + min(dl, 0))
    yd, xd = slice(max(-dt, 0), h + min(-dt, 0)), slice(max(-dl, 0), w + min(-dl, 0))
    out[yd, xd] = content[ys, xs]
    return out
