"""The model scan's first candidates, answered once for every class.

For each class and patch size the scan scores every position with a few contents on a few
clean images of other classes (the screen), then climbs from the best.  That sweep is most of
the scan's queries (at 28x28, size 4: 2,500 candidates on 8 images, for each of 10 classes)
and its answers are class probabilities: one answer holds every class's score.  Here the
candidates of a size are drawn once (their own random stream) and pasted on one shared screen
that holds images of every class (taken in turn, class after class, until each class has
``n_screen`` images of other classes in it); a class's score of a candidate is read from the
answers on the screen's images of other classes.  A sweep is made when the first class needs
its size, and its scores are kept with the scan (a resumed scan reads them, so it asks what
the uninterrupted one asked).
"""

from __future__ import annotations

import numpy as np

from assay.backdoor.modelscan import first_candidates
from assay.backdoor.patches import Box, paste
from assay.backdoor.strip import Scorer

__all__ = ["CHUNK", "class_score", "shared_screen", "sweep_scores"]

CHUNK = 256  # candidates pasted and asked at once (bounds the memory of a sweep)


def shared_screen(labels: np.ndarray, rng: np.random.Generator, n_screen: int = 8) -> np.ndarray:
    """Indices of clean images (``labels``: the model's labels of them) forming one screen
    for every class: the classes in a random order, one image each in turn (each class's own
    images in a random order), until every class has ``n_screen`` images of other classes in
    the screen or the images run out.  With 10 classes and ``n_screen`` 8, nine images."""
    classes = [int(c) for c in rng.permutation(np.unique(labels))]
    queues = {c: list(rng.permutation(np.flatnonzero(labels == c))) for c in classes}
    picked: list[int] = []
    counts = dict.fromkeys(classes, 0)

    def others(c: int) -> int:
        return len(picked) - counts[c]

    def enough() -> bool:
        return all(others(c) >= n_screen for c in classes)

    while not enough() and any(queues.values()):
        for c in classes:
            if enough():
                break
            if queues[c]:
                picked.append(int(queues[c].pop(0)))
                counts[c] += 1
    return np.asarray(picked, dtype=np.int64)


def sweep_scores(
    size: int,
    screen: np.ndarray,
    labels: np.ndarray,
    scores: Scorer,
    rng: np.random.Generator,
    n_classes: int,
    contents: int = 4,
) -> tuple[list[tuple[Box, np.ndarray]], np.ndarray]:
    """The first candidates of one size (``modelscan.first_candidates`` from ``rng``) and,
    for every class c, their share of the screen's images of other classes (``labels``:
    the model's labels of ``screen``) sent to c and the mean probability of c on them:
    an array (candidates, classes, 2), float32 (as it is stored)."""
    _, height, width, channels = screen.shape
    cands = first_candidates(size, height, width, channels, rng, contents)
    table = np.zeros((len(cands), n_classes, 2), dtype=np.float32)
    masks = [labels != c for c in range(n_classes)]
    for start in range(0, len(cands), CHUNK):
        part = cands[start : start + CHUNK]
        batch = np.concatenate([paste(screen, c, b) for b, c in part])
        probs = scores(batch).reshape(len(part), len(screen), -1)
        top = np.argmax(probs, axis=2)
        for c, m in enumerate(masks):
            if m.any():
                table[start : start + len(part), c, 0] = (top[:, m] == c).mean(axis=1)
                table[start : start + len(part), c, 1] = probs[:, m, c].mean(axis=1)
    return cands, table


def class_score(table: np.ndarray, target: int) -> np.ndarray:
    """A sweep's scores of its candidates for one class, as the climb ranks them: the flip
    share plus the mean target probability (``modelscan.scan_class``)."""
    out: np.ndarray = table[:, target, 0].astype(np.float64) + table[:, target, 1]
    return out
