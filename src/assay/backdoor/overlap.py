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
from hashlib import blake2b
from typing import Any

import numpy as np

__all__ = ["shared_clean"]


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
