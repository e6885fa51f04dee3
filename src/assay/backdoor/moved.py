"""Is a candidate the class's own object, drawn elsewhere in the class's clean images?

The natural-feature check (``inputscan._natural``) pastes the candidate's box taken **at the
same place** from clean images of its class: a class's feature sits where the rest of the
object puts it, as on centred digits.  Where objects stand anywhere in the frame (photos,
scenes), the class's clean images hold their object somewhere else: the same box of theirs is
background, it sends nothing to the class, and a clean image's own object, pasted on other
scenes, was confirmed as a trigger.  hostile41b: a 100-class CNN's clean image of a warm ring
(class 91) flagged "12x12 at (row 9, col 8) -> class 91, flip rate 90%"; with 12 clean
images, a cool ring "14x14 at (row 9, col 6) -> class 4, flip rate 100%" (its class's two
clean images held their rings elsewhere).

So a candidate that passed the check is also tried with the class's clean images' own
content **wherever it is nearest the candidate's** (a template match: no query; the ``TRIES``
nearest windows of each, one at a time), pasted at the box: the class's object drawn in
another image sends the other images there as the candidate does, a trigger's look-alike
found in clean images of its class does not (a trigger is pasted on poisoned images, not
drawn by the class).  Only windows that hold their image's class are taken (refilled from the
other clean images, the image leaves the class: ``holding_class``): the object, not a bright
piece of a digit's stroke that happens to look like a small trigger (without it the quick
bench's 8x8 2x2 and 3x3 triggers were found on 0 % of their images, against 100 %); and only
where the candidate itself, pasted at that window's place, fires as at its own: the class's
object moves and is read wherever it stands, a trigger is read at its place (without it the
8x8 3x3 trigger was found on 61.7 % of its images: 3x3 pieces of 8x8 '9's hold the class and
fire at the trigger's place).  A window that holds the candidate's very pixels
(``inputscan.copies``' tolerance) is no source: a clean image carrying the trigger itself
would make any trigger its class's own (bd31).  Asked as the same-place check is: a source at
a time, ``need`` of them agreeing (all of them where the class has fewer)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.patches import Box, dominant_colour, paste
from assay.backdoor.repair import mean_fill
from assay.backdoor.verdicts import Labeler

__all__ = ["drawn_elsewhere", "holding_class", "nearest_windows"]

# the windows of each source tried, nearest first (the class's object drawn at another size
# or shade: the nearest window by pixels is not always the one the model reads as it; on
# hostile41b's 12 clean images a cool ring's three nearest windows sent 50, 40 and 70 % of
# other scenes to its class)
TRIES = 3
# windows of one source taken at least this far apart (rows plus columns)
APART = 2


def nearest_windows(
    pool: np.ndarray, image: np.ndarray, box: Box, tolerance: float, share: float, tries: int
) -> list[tuple[np.ndarray, list[Box]]]:
    """For each image of ``pool``, its ``tries`` ``box``-sized windows (any places, at least
    ``APART`` apart) nearest in content to ``image``'s pixels in ``box`` (squared distance),
    nearest first; the images ordered by their nearest such window.  Windows that copy those
    pixels (within ``tolerance`` at ``share`` of them and at half of those unlike the image's
    background) and images identical to ``image`` left out.  Each item: the image and its
    windows."""
    t, left, h, w = box
    region = image[t : t + h, left : left + w, :]
    marked = np.any(np.abs(region - dominant_colour(image)) > tolerance, axis=-1).reshape(-1)
    found: list[tuple[float, np.ndarray, list[Box]]] = []
    for src in pool:
        if np.array_equal(src, image):
            continue
        grid = window_distances(src, region)
        flat = grid.reshape(-1)
        order = np.argsort(flat, kind="stable")
        kept: list[Box] = []
        places: list[tuple[int, int]] = []
        nearest = 0.0
        for i in order:
            r, c = divmod(int(i), grid.shape[1])
            if any(abs(r - a) + abs(c - b) < APART for a, b in places):
                continue  # (a pixel's shift: the same window again)
            places.append((r, c))
            if _copy(src[r : r + h, c : c + w, :], region, marked, tolerance, share):
                continue
            nearest = nearest if kept else float(flat[i])
            kept.append((r, c, h, w))
            if len(kept) >= tries:
                break
        if kept:
            found.append((nearest, src, kept))
    found.sort(key=lambda f: f[0])
    return [(src, kept) for _, src, kept in found]


def holding_class(
    sources: list[tuple[np.ndarray, list[Box]]],
    label: int,
    labels: Labeler,
    references: np.ndarray,
    fills: int,
) -> list[list[Box]]:
    """Of each source's windows, those that hold its class: the source refilled there from
    the other ``references`` (``repair.mean_fill``) leaves ``label`` (one call for all).  A
    piece of the class's object is what puts the image in it; a look-alike of a trigger in a
    clean image of its class (a stroke's bright end) is not."""
    asked: list[np.ndarray] = []
    for src, windows in sources:
        others = references[~(references == src[None]).reshape(len(references), -1).all(axis=1)]
        if not len(others):
            return [[] for _ in sources]
        asked.extend(mean_fill(src, win, others, fills) for win in windows)
    if not asked:
        return [[] for _ in sources]
    left = labels(np.concatenate(asked)) != label
    left = _grown_holds(sources, left, label, labels, references, fills)
    out: list[list[Box]] = []
    k = 0
    for _, windows in sources:
        out.append([win for j, win in enumerate(windows) if left[k + j]])
        k += len(windows)
    return out


# a window that does not hold its class alone is tried grown by its own side on every side
# (an object wider than the candidate: a defect detector's blob around the bright core a
# scan confirmed, hostile43b) when the grown window is at most this share of the image: on
# small images (8x8, 16x16 digits) it would cover the digit, and every window would "hold"
GROWN_SHARE = 1 / 16


def _grown(win: Box, shape: tuple[int, ...]) -> Box | None:
    """``win`` grown by its own height and width on every side, clipped to the image; None
    when that is more than ``GROWN_SHARE`` of the image."""
    r, c, h, w = win
    top, lft = max(0, r - h), max(0, c - w)
    bottom, right = min(shape[0], r + 2 * h), min(shape[1], c + 2 * w)
    if (bottom - top) * (right - lft) > GROWN_SHARE * shape[0] * shape[1]:
        return None
    return (top, lft, bottom - top, right - lft)


def _grown_holds(
    sources: list[tuple[np.ndarray, list[Box]]],
    left: np.ndarray,
    label: int,
    labels: Labeler,
    references: np.ndarray,
    fills: int,
) -> np.ndarray:
    """``left`` (a window's refill moved its source out of ``label``) with the windows that
    did not, refilled grown (``_grown``), asked in one call: a window at the core of a larger
    object holds the class through it.  Unchanged where no window can grow."""
    asked: list[np.ndarray] = []
    where: list[int] = []
    k = 0
    for src, windows in sources:
        others = references[~(references == src[None]).reshape(len(references), -1).all(axis=1)]
        for win in windows:
            grown = None if left[k] else _grown(win, src.shape)
            if grown is not None and len(others):
                asked.append(mean_fill(src, grown, others, fills))
                where.append(k)
            k += 1
    if not asked:
        return left
    out = left.copy()
    out[where] = labels(np.concatenate(asked)) != label
    return out


def window_distances(src: np.ndarray, region: np.ndarray) -> np.ndarray:
    """The squared distance of ``region`` (h, w, C) to each window of ``src`` (H, W, C) of its
    size, (H - h + 1, W - w + 1): sums of squares from an integral image, the cross term by
    FFT (a 112x112 box of a 224x224 image is 1.4e8 values a window as views)."""
    h, w = region.shape[:2]
    src64 = src.astype(np.float64, copy=False)
    sq = np.pad((src64**2).sum(axis=-1), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    own = sq[h:, w:] - sq[:-h, w:] - sq[h:, :-w] + sq[:-h, :-w]
    big_h, big_w = src.shape[:2]
    shape = (big_h + h - 1, big_w + w - 1)
    flipped = region[::-1, ::-1, :].astype(np.float64)
    cross = np.fft.irfft2(
        (np.fft.rfft2(src64, shape, axes=(0, 1)) * np.fft.rfft2(flipped, shape, axes=(0, 1))).sum(
            axis=-1
        ),
        shape,
    )[h - 1 : big_h, w - 1 : big_w]
    out: np.ndarray = np.maximum(own - 2 * cross + float((flipped**2).sum()), 0.0)
    return out


def _copy(
    window: np.ndarray, region: np.ndarray, marked: np.ndarray, tolerance: float, share: float
) -> bool:
    """Whether ``window`` holds ``region``'s pixels (``inputscan.copies``' rule)."""
    same = np.all(np.abs(window - region) <= tolerance, axis=-1).reshape(-1)
    return bool(marked.any() and same.mean() >= share and same[marked].mean() >= 0.5)


def drawn_elsewhere(
    box: Box,
    label: int,
    rate: float,
    labels: Labeler,
    pool: np.ndarray,
    chosen: np.ndarray,
    image: np.ndarray,
    *,
    references: np.ndarray,
    fills: int,
    tolerance: float,
    share: float,
    n_sources: int,
    margin: float,
    need: int,
    tries: int = TRIES,
) -> bool:
    """Do ``need`` of the ``n_sources`` images of the class (``pool``) nearest the candidate's
    content, one of their ``tries`` windows nearest it that holds their class
    (``holding_class``) pasted at ``box`` on ``chosen``, send more than ``rate - margin`` of
    them to ``label``, where the candidate pasted at that window's place does too (an object
    that moves: the class is drawn there and the candidate is read there)?  (The module's
    text.)"""
    sources = nearest_windows(pool, image, box, tolerance, share, tries)[:n_sources]
    need = max(1, min(need, len(sources)))
    if not sources or fills <= 0:
        return False
    held = holding_class(sources, label, labels, references, fills)
    region = image[box[0] : box[0] + box[2], box[1] : box[1] + box[3], :]
    moves: dict[Box, bool] = {}

    def fires(what: np.ndarray, at: Box) -> bool:
        return float((labels(paste(chosen, what, at)) == label).mean()) > rate - margin

    agree = 0
    for k, ((src, _), windows) in enumerate(zip(sources, held, strict=True)):
        if agree + len(sources) - k < need:
            break
        for win in windows:
            if win not in moves:  # the candidate fires where this image draws the object
                moves[win] = fires(region, win)
            r, c, h, w = win
            if moves[win] and fires(src[r : r + h, c : c + w, :], box):
                agree += 1
                break
        if agree >= need:
            return True
    return False
