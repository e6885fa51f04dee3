"""Groups of the source-class check whose window's refill names no one source class.

``source_class`` groups the unconfirmed images answered ``a`` by the class ``b`` a refill of
one coarse window turns them to: a source-specific trigger refilled away leaves an image of
its source class.  That holds while the window is small beside the image (the 5x5 windows of
8x8 digits).  On attack45b's 32x32 colour scenes the coarse window is 23x23: its refill
replaces most of the scene, and the 20 triggered '3's a CNN answers '7' (99 % attack success)
turned to 3 only 4-5 times at any window, to eight other classes the rest; no (window, 7, b)
group passed its screen and the trojan passed (exit 0; scan50).  Their pixels at the
trigger's window agreed all the same (the trigger), and pasted on 10 clean '3's sent 10 to
'7' against random groups of clean '7's' 0.

So a *scattered* group is the images answered ``a`` whose refill at one window changed
their answer, when no one answer holds half of them (``scattered``); its source class is the
one its agreed pixels send most of ``PICK`` clean images of each class to ``a``
(``pick_source``), and it is then judged as any group, on other clean images of that class.

Only at a window holding more than ``WIDE`` of the image's pixels (``wide``): the refill's
content is the mean of the clean images nearest the image *outside* the window
(``repair.mean_fill``), so with most of the image left the answer follows the image's own
pixels, and a trigger refilled away leaves its source class (an ordinary group, named by that
answer); with most of it replaced, the answer follows the refill's donors, of any class.  So
scattered groups of a smaller window are no trigger's (a clean model's images whose answer
the refill of one stroke spreads): the 8x8 digits' 5x5 window (39 % of the image) and the
16x16's 11x11 (47 %) left their source-specific trojans' ordinary groups formed (bd45,
left48b), while their clean twins' scattered groups cost up to 14 % more queries and flagged
none; the 32x32 scenes' 23x23 window (52 %) scattered the trojan's (scan50b).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np

from assay.backdoor.class_map import MIN_GROUP, TOP, Windows, put
from assay.backdoor.patches import Box

__all__ = ["PICK", "WIDE", "pick_queries", "pick_source", "scattered", "wide"]

PICK = 2  # clean images of each class a scattered group's pixels are pasted on to name b

WIDE = 0.5  # a scattered group's window holds more than this share of the image's pixels

Labeller = Callable[[np.ndarray], np.ndarray]


def wide(box: Box, shape: tuple[int, ...]) -> bool:
    """Whether ``box`` holds more than ``WIDE`` of the pixels of an image of ``shape``
    (height, width, ...): its refill replaces most of the image."""
    _, _, h, w = box
    return h * w > WIDE * shape[0] * shape[1]


def scattered(
    left: list[int], labels: np.ndarray, windows: Windows, shape: tuple[int, ...]
) -> list[tuple[Box, int, None, list[int]]]:
    """The ``TOP`` largest groups (window, answer ``a``, no source, images) of ``MIN_GROUP``
    or more images of ``left`` answered ``a`` whose refill at the window changed the answer,
    where no one refilled answer holds half of them; only at ``wide`` windows of images of
    ``shape`` (height, width, ...)."""
    by: dict[tuple[Box, int], list[tuple[int, int]]] = {}
    for i in left:
        for box, after in windows.get(i, []):
            if not wide(box, shape):
                continue  # (the refill leaves most of the image: its answer is the image's)
            by.setdefault((box, int(labels[i])), []).append((i, int(after)))
    out = []
    for (box, a), members in by.items():
        most = Counter(after for _, after in members).most_common(1)[0][1]
        if len(members) >= MIN_GROUP and most * 2 < len(members):
            out.append((box, a, None, [i for i, _ in members]))
    out.sort(key=lambda g: -len(g[3]))
    return out[:TOP]


def pick_queries(n_groups: int, n_classes: int) -> int:
    """The most queries ``pick_source`` asks for ``n_groups`` groups."""
    return n_groups * PICK * max(0, n_classes - 1)


def pick_source(
    answers: Labeller,
    clean: np.ndarray,
    clean_labels: np.ndarray,
    pattern: np.ndarray,
    box: Box,
    a: int,
    rng: np.random.Generator,
) -> tuple[int | None, dict[int, int], np.ndarray]:
    """The class whose ``PICK`` clean images the group's agreed ``pattern`` at ``box`` sends
    most often to ``a`` (None when it sends none), the count per class, and the clean
    images asked (to be left out of the ones the group is then judged on)."""
    asked: list[int] = []
    for c in np.unique(clean_labels).tolist():
        if c != a:
            asked += [int(i) for i in rng.permutation(np.flatnonzero(clean_labels == c))[:PICK]]
    idx = np.asarray(asked, dtype=np.int64)
    if not len(idx):
        return None, {}, idx
    hit = np.asarray(answers(put(clean[idx], pattern, box))) == a
    sent = {int(c): int(hit[clean_labels[idx] == c].sum()) for c in np.unique(clean_labels[idx])}
    best = max(sent, key=lambda c: (sent[c], -c))
    return (best if sent[best] else None), sent, idx
