"""Clean images that are also among the images scanned.

A trigger is told from its class's own features by pasting the box taken from clean images
of its class (``inputscan._natural``), and STRIP sets its threshold on clean images: both
take the clean images to be clean.  Given the scanned folder as ``--clean`` too (one folder
of images, a new user's first try), its poisoned images are among the clean ones, carry the
trigger, and make it look like its class's own feature: on a trojaned digits MLP, "0 of 60
images carry a confirmed trigger" with 30 poisoned, exit 0 (STRIP: threshold 0.000 bits, 0
of 60 flagged).  A run that found nothing so is not a pass (``summary._not_reached``).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from hashlib import blake2b
from typing import Any

import numpy as np

from assay.backdoor.patches import Box, _alike

__all__ = ["pasted_feature", "shared_clean"]


def _digests(images: np.ndarray) -> list[bytes]:
    flat = np.ascontiguousarray(images).reshape(len(images), -1)
    return [blake2b(row.tobytes(), digest_size=16).digest() for row in flat]


def shared_clean(search: Any) -> int:
    """How many of the search's clean images are also among its images to scan (pixel for
    pixel, as the scan sees them); counted once per search."""
    cached = getattr(search, "_shared_clean", None)
    if cached is not None:
        return int(cached)
    t = search.test
    images, clean = getattr(t, "images", None), getattr(t, "clean", None)
    count = 0
    if images is not None and clean is not None and len(images) and len(clean):
        scanned = set(_digests(images))
        count = sum(d in scanned for d in _digests(clean))
    with contextlib.suppress(AttributeError):  # (a view without attributes: counted again)
        search._shared_clean = count
    return count


# a box the natural-feature check took for a class's own feature in at least this many images
# (and this share of those scanned), holding the same pixels in each, is a pasted pattern
PASTED_LEAST = 10
PASTED_SHARE = 0.05
PASTED_SAMPLE = 200  # images compared against the rest, at most (the count is a lower bound)


def pasted_feature(rows: Sequence[dict[str, Any]], images: np.ndarray) -> tuple[Box, int] | None:
    """(box, images) of the box the default scan's natural-feature check rejected in the most
    scanned images holding the same pixels there (``patches`` tolerance: 85 % of them within
    0.25), when they are many; ``None`` otherwise.

    A class's own feature is drawn differently in each image; a trigger is pasted the same on
    all.  Clean images drawn from a poisoned data set (not the scanned ones: ``shared_clean``)
    carry the trigger into its class's clean images, and the check takes it for the class's
    feature: on a trojaned digits MLP given 200 clean digits and 30 poisoned ones, 23 of the
    60 scanned images (30 poisoned) were rejected at the trigger's 3x3 box with the same
    pixels, and the run found nothing; on clean models (30 to 200 clean images, 300 scanned)
    such a group held at most 6 images (the centres of '9's drawn alike)."""
    by_box: dict[Box, list[int]] = {}
    for r in rows:
        box = r.get("natural")
        if isinstance(box, list) and len(box) == 4:
            by_box.setdefault((box[0], box[1], box[2], box[3]), []).append(int(r["image"]))
    need = max(PASTED_LEAST, math.ceil(PASTED_SHARE * len(rows)))
    best: tuple[Box, int] | None = None
    for box, idx in by_box.items():
        if len(idx) < need:
            continue
        t, left, h, w = box
        regions = images[np.asarray(idx)][:, t : t + h, left : left + w, :]
        most = max(
            int(_alike(regions, regions[j], 0.25, 0.85).sum())
            for j in range(min(len(regions), PASTED_SAMPLE))
        )
        if most >= need and (best is None or most > best[1]):
            best = (box, most)
    return best
