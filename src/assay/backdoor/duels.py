"""A second reading of a grey model's scanned classes where the verdict names none: a class is
suspected when its patch keeps half its flip rate with far fewer pixels than the other classes'
patches (``half_pixels``: a robust z of at least ``HALF_Z`` among the classes a patch was found
for) AND it wins its duels — pasted together with each other class's patch, in either order,
on clean images of neither class, it takes them to its class more often than the other patch
takes them to its own, on average ``DUEL_LEAD`` more than any other class's does.

Measured (bench/RESULTS.md, scan52 and scan52b): chosen among 6,216 pairs of signals on two
8x8 seed sets, it named one 3x3 target more than main on each of four 8x8 sets and none on a
fifth, with no clean model flagged; asked on 16x16 and 28x28 digits MLPs and 32x32 digits
CNNs before it was wired.  It is a lead picked from many, not a separate detector: it reads
only the scan's own patches, and only where at least ``DUEL_CLASSES`` were found.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assay.backdoor.modelscan import effective_cells
from assay.backdoor.patches import Box, paste
from assay.backdoor.strip import Scorer

HALF_KEEP = 0.5  # the share of the patch's flip rate its fewest pixels must keep
HALF_Z = 3.0  # robust z (median / MAD over the classes) of the class's fewer half-rate pixels
DUEL_LEAD = 0.5  # the class's mean duel score beyond the best other class's
DUEL_CLASSES = 3  # classes a patch must be found for before the route is read
DUEL_IMAGES = 64  # clean images of neither class per duel
MAD_FLOOR = 1e-3  # a MAD below this (the classes tie) is read as this

Labels = Callable[[np.ndarray], np.ndarray]


def half_pixels(
    target: int, box: Box, content: np.ndarray, pool: np.ndarray, scores: Scorer
) -> int:
    """The fewest of the patch's pixels keeping half its flip rate on ``pool``."""
    cells, _ = effective_cells(target, box, content, pool, scores, keep=HALF_KEEP)
    return len(cells)


def duel_score(
    target: int,
    patches: dict[int, tuple[Box, np.ndarray]],
    images: np.ndarray,
    image_labels: np.ndarray,
    labels: Labels,
) -> float:
    """The class's patch pasted with each other class's patch (each order, the later on top)
    on up to ``DUEL_IMAGES`` clean images of neither class: the share sent to the class minus
    the share sent to the other, averaged over the duels."""
    box, content = patches[target]
    scores = []
    for other, (obox, ocontent) in patches.items():
        if other == target:
            continue
        x = images[(image_labels != target) & (image_labels != other)][:DUEL_IMAGES]
        if not len(x):
            continue
        for (b1, c1), (b2, c2) in (
            ((obox, ocontent), (box, content)),
            ((box, content), (obox, ocontent)),
        ):
            got = labels(paste(paste(x, c1, b1), c2, b2))
            scores.append(float(np.mean(got == target) - np.mean(got == other)))
    return float(np.mean(scores)) if scores else 0.0


def robust_z(values: np.ndarray) -> np.ndarray:
    """(value - median) / (1.4826 MAD), the MAD floored at ``MAD_FLOOR``."""
    med = np.median(values)
    mad = float(np.median(np.abs(values - med))) * 1.4826
    out: np.ndarray = (values - med) / max(mad, MAD_FLOOR)
    return out


def read(half: dict[int, int], duels: dict[int, float]) -> dict[int, dict[str, float]]:
    """Each class's figures (``half_pixels``, its robust z with fewer pixels higher, ``duel``,
    its lead over the best other class's) and whether it passes (``named`` 1.0 or 0.0); empty
    below ``DUEL_CLASSES`` classes."""
    classes = sorted(half)
    if len(classes) < DUEL_CLASSES:
        return {}
    z = robust_z(-np.asarray([half[c] for c in classes], dtype=np.float64))
    out = {}
    for i, c in enumerate(classes):
        lead = duels[c] - max(duels[o] for o in classes if o != c)
        named = z[i] >= HALF_Z and lead >= DUEL_LEAD
        out[c] = {
            "half_pixels": float(half[c]),
            "half_pixels_z": round(float(z[i]), 3),
            "duel": round(duels[c], 4),
            "duel_lead": round(float(lead), 4),
            "named": float(named),
        }
    return out


def duel_words(figures: dict[str, float] | None, queries: int | None, classes: int) -> str:
    """The evidence of a class this route named, for the report ("" for any other class)."""
    if not figures or not figures.get("named"):
        return ""
    return (
        f"; named where no other check named a class, by its half-rate pixels and its duels: "
        f"{int(figures['half_pixels'])} pixels keep half its flip rate (robust z "
        f"{figures['half_pixels_z']:.1f} among the {classes} classes found, {HALF_Z:g} needed), "
        f"its patch wins its duels with the other classes' by {figures['duel']:.2f} on average, "
        f"{figures['duel_lead']:.2f} beyond the best other class ({DUEL_LEAD:g} needed); "
        f"the duel check asked {queries or 0:,} queries"
    )
