"""Input scans: is this image poisoned, and with what trigger?

``neo_scan`` follows Neo (Udeshi et al., IEEE Trans. Reliability 2022) as published: a square
blocker of the image's dominant colour slides over the image one pixel at a time; every position
whose occlusion changes the prediction is a candidate; a candidate's pixels are pasted onto
clean verification images, and the first candidate that flips enough of them to the image's
class is the trigger.

``assay_scan`` goes beyond it: known triggers are checked first (a pixel match costs nothing;
one query with the trigger blocked; a change of prediction, or the trigger's exact pixels when
they are not mostly background, decide it); a coarse grid of blockers large enough to cover any
trigger up to ``max_trigger`` pixels is asked in one call; candidates are screened on one clean
image, a second, then three more; a surviving window shrinks to the smallest box whose pixels
still flip the screening images; that box is confirmed on the verification images, unless the
same box taken from clean images of the class flips nearly as many (the class's own features).
Its corrected label is the majority answer on the image with the trigger's region refilled
from the nearest clean images (``repair.py``), not the prediction with it blocked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from assay.backdoor.patches import Box, Trigger, block, dominant_colour, grid_boxes, paste
from assay.backdoor.repair import nearest_fills, vote
from assay.backdoor.verdicts import ImageVerdict, Labeler

__all__ = ["assay_scan", "neo_scan", "pick_verification"]


def pick_verification(
    verify_labels: np.ndarray, label: int, n: int, rng: np.random.Generator
) -> np.ndarray:
    """Indices of ``n`` verification images the model does not put in class ``label``."""
    others = np.flatnonzero(verify_labels != label)
    if len(others) <= n:
        return others
    picked: np.ndarray = np.sort(rng.choice(others, size=n, replace=False))
    return picked


def _occlude_all(image: np.ndarray, boxes: Sequence[Box], colour: np.ndarray) -> np.ndarray:
    out = np.repeat(image[None], len(boxes), axis=0)
    for i, (t, left, h, w) in enumerate(boxes):
        out[i, t : t + h, left : left + w, :] = colour
    return out


def _paste_each(verify: np.ndarray, image: np.ndarray, boxes: Sequence[Box]) -> np.ndarray:
    """For each box, the verification images with the image's pixels in that box pasted."""
    parts = []
    for t, left, h, w in boxes:
        parts.append(paste(verify, image[t : t + h, left : left + w, :], (t, left, h, w)))
    return np.concatenate(parts) if parts else verify[:0]


def neo_scan(
    index: int,
    image: np.ndarray,
    label: int,
    labels: Labeler,
    verify: np.ndarray,
    verify_labels: np.ndarray,
    rng: np.random.Generator,
    *,
    blocker: int = 2,
    n_verify: int = 10,
    threshold: float = 0.5,
) -> ImageVerdict:
    """Neo as published: one blocker size, every position, candidates verified in order."""
    height, width, _ = image.shape
    colour = dominant_colour(image)
    boxes = grid_boxes(height, width, blocker, 1)
    preds = labels(_occlude_all(image, boxes, colour))
    changed = np.flatnonzero(preds != label)
    verdict = ImageVerdict(index=index, label=label, candidates=len(changed))
    chosen = verify[pick_verification(verify_labels, label, n_verify, rng)]
    if not len(chosen):
        return verdict
    for i in changed:
        box = boxes[int(i)]
        flips = labels(_paste_each(chosen, image, [box])) == label
        rate = float(flips.mean())
        if rate >= threshold:
            t, left, h, w = box
            content = image[t : t + h, left : left + w, :].copy()
            verdict.poisoned = True
            verdict.box = box
            verdict.target = label
            verdict.flip_rate = rate
            verdict.corrected = int(preds[int(i)])
            verdict.trigger = Trigger(box, content, label, rate, index)
            return verdict
    return verdict


def check_known(
    index: int,
    image: np.ndarray,
    label: int,
    labels: Labeler,
    known: Sequence[Trigger],
    references: np.ndarray | None = None,
    fills: int = 5,
) -> ImageVerdict | None:
    """A known trigger whose pixels the image carries and whose blocking changes the
    prediction (one query per matching trigger, plus ``fills`` for the corrected label when
    ``references`` are given); None when no known trigger explains it."""
    from assay.backdoor.patches import trigger_present

    matching = [
        (i, t)
        for i, t in enumerate(known)
        if t.target == label and bool(trigger_present(image[None], t)[0])
    ]
    if not matching:
        return None
    colour = dominant_colour(image)
    h, w = image.shape[:2]
    blocked = np.stack([block(image[None], t.cover(h, w), colour)[0] for _, t in matching])
    n_fill = fills if references is not None and len(references) else 0
    if n_fill:  # the refills of the first matching trigger, asked in the same call
        assert references is not None
        refills = nearest_fills(image, matching[0][1].cover(h, w), references, n_fill)
        blocked = np.concatenate([blocked, refills])
    answers = labels(blocked)
    preds, refilled = answers[: len(matching)], answers[len(matching) :]
    # a change of prediction when blocked first; else the pixels alone (the image carries a
    # confirmed trigger's exact pattern, which is not mostly background) decide it
    order = sorted(range(len(matching)), key=lambda j: int(preds[j]) == label)
    for j in order:
        (i, t), pred = matching[j], preds[j]
        if int(pred) != label or _distinct(t, colour):
            if j == 0 and len(refilled):
                pred = vote(refilled)
            elif n_fill:
                assert references is not None
                pred = vote(labels(nearest_fills(image, t.cover(h, w), references, n_fill)))
            return ImageVerdict(
                index=index,
                label=label,
                poisoned=True,
                box=t.box,
                trigger=t,
                target=label,
                flip_rate=t.flip_rate,
                corrected=int(pred),
                known=True,
                trigger_id=i,
            )
    return None


def _distinct(trigger: Trigger, colour: np.ndarray, share: float = 0.25) -> bool:
    """At least ``share`` of the trigger's pixels differ from the background colour."""
    far = np.any(np.abs(trigger.content - colour) > 0.25, axis=-1)
    return bool(far.mean() >= share)


def assay_scan(
    index: int,
    image: np.ndarray,
    label: int,
    labels: Labeler,
    verify: np.ndarray,
    verify_labels: np.ndarray,
    rng: np.random.Generator,
    known: Sequence[Trigger] = (),
    *,
    max_trigger: int = 4,
    n_verify: int = 20,
    threshold: float = 0.9,
    fills: int = 5,
) -> ImageVerdict:
    """The default scan (see the module's text)."""
    hit = check_known(index, image, label, labels, known, verify, fills)
    if hit is not None:
        return hit
    height, width, _ = image.shape
    top = max(1, min(max_trigger, height, width))
    stride = max(1, math.ceil(top / 2))
    window = min(top + stride - 1, height, width)
    colour = dominant_colour(image)
    coarse = grid_boxes(height, width, window, stride)
    preds = labels(_occlude_all(image, coarse, colour))
    changed = [coarse[int(i)] for i in np.flatnonzero(preds != label)]
    verdict = ImageVerdict(index=index, label=label, candidates=len(changed))
    order = pick_verification(verify_labels, label, len(verify), rng)
    if not changed or not len(order):
        return verdict
    screen = verify[order[:5]]
    # screening, cheapest first: one image, a second, then three more; all must flip
    alive = changed
    for lo, hi in ((0, 1), (1, 2), (2, 5)):
        if not alive or lo >= len(screen):
            break
        flips = labels(_paste_each(screen[lo:hi], image, alive)).reshape(len(alive), -1)
        alive = [b for b, f in zip(alive, flips == label, strict=True) if f.all()]
    chosen = verify[order[:n_verify]]
    tried: set[Box] = set()
    best: tuple[Box, int, Box, float] | None = None
    for win in alive:
        window_pred = int(preds[coarse.index(win)])
        shrunk = _shrink(image, label, labels, win, window_pred, colour, screen[:3])
        for box, corrected, cover in shrunk:
            if box in tried:
                continue
            tried.add(box)
            flips = labels(_paste_each(chosen, image, [box])) == label
            rate = float(flips.mean())
            if rate < threshold or _natural(
                box, label, rate, labels, verify, verify_labels, chosen
            ):
                continue
            if best is None:
                best = (box, corrected, cover, rate)
            if cover == box:  # blocking the box itself neutralises it: the best evidence
                best = (box, corrected, cover, rate)
                break
        if best is not None and best[2] == best[0]:
            break
    if best is None:
        return verdict
    box, corrected, cover, rate = best
    if fills:
        corrected = vote(labels(nearest_fills(image, cover, verify, fills)))
    t, left, h, w = box
    content = image[t : t + h, left : left + w, :].copy()
    verdict.poisoned = True
    verdict.box = box
    verdict.target = label
    verdict.flip_rate = rate
    verdict.corrected = corrected
    verdict.trigger = Trigger(box, content, label, rate, index, None if cover == box else cover)
    return verdict


def _natural(
    box: Box,
    label: int,
    rate: float,
    labels: Labeler,
    verify: np.ndarray,
    verify_labels: np.ndarray,
    chosen: np.ndarray,
    n_sources: int = 5,
    margin: float = 0.3,
) -> bool:
    """Is the box just where class ``label`` shows?  The same box taken from one of
    ``n_sources`` clean images of that class, pasted onto the same verification images, sends
    nearly as many of them there (within ``margin`` of the candidate's flip ``rate``): then the
    box holds the class's own features (a large part of a digit), not a trigger."""
    sources = verify[verify_labels == label][:n_sources]
    if not len(sources):
        return False
    t, left, h, w = box
    batch = np.concatenate([paste(chosen, s[t : t + h, left : left + w, :], box) for s in sources])
    natural = (labels(batch) == label).reshape(len(sources), len(chosen)).mean(axis=1)
    return bool(natural.max() > rate - margin)


def _shrink(
    image: np.ndarray,
    label: int,
    labels: Labeler,
    window: Box,
    window_pred: int,
    colour: np.ndarray,
    screen: np.ndarray,
    beam: int = 2,
) -> list[tuple[Box, int, Box]]:
    """Inside ``window``, shrink (a pixel at a time for small boxes) while a sub-box's pixels,
    pasted, still send every screening image to ``label``.

    Keeps up to ``beam`` boxes per size (those whose occlusion changes the prediction first);
    returns them smallest first, each with its corrected label and the region to block: the box
    itself when occluding it changes the prediction, else (part of a trigger still fires) the
    smallest enclosing box whose occlusion did, with that prediction."""
    found: list[list[tuple[Box, int, Box]]] = []
    level = [(window, window_pred, window)]
    while level and level[0][0][2] > 1 and level[0][0][3] > 1:
        subs: list[Box] = []
        parent: list[tuple[int, Box]] = []
        for (t0, l0, h, w), corrected, cover in level:
            k = max(1, (min(h, w) + 7) // 8)  # one pixel for small boxes, an eighth for large
            for dt in (0, k):
                for dl in (0, k):
                    b = (t0 + dt, l0 + dl, h - k, w - k)
                    if b not in subs:
                        subs.append(b)
                        parent.append((corrected, cover))
        flips = labels(_paste_each(screen, image, subs)).reshape(len(subs), -1) == label
        keep = [j for j in range(len(subs)) if flips[j].all()]
        if not keep:
            break
        preds = labels(_occlude_all(image, [subs[j] for j in keep], colour))
        ranked = sorted(
            (
                (
                    int(p) == label,
                    n,
                    subs[j],
                    *(parent[j] if int(p) == label else (int(p), subs[j])),
                )
                for n, (j, p) in enumerate(zip(keep, preds, strict=True))
            ),
        )
        level = [(b, c, cov) for _, _, b, c, cov in ranked[:beam]]
        found.append(level)
    return [c for lvl in reversed(found) for c in lvl]
