"""The corrected label of a poisoned image: its prediction with the trigger's region refilled.

Blocking a trigger with the image's dominant colour also hides whatever part of the object it
covered (on 8x8 digits a 4x4 trigger covers a quarter of the digit).  Instead the region is
refilled from the clean reference images whose pixels *outside* the region are closest to the
image's (a nearest-neighbour inpainting: their content in the region most likely continues the
strokes the image has around it).  The references are also tried shifted by up to ``shift``
pixels (edges repeated), so that a stroke that sits one pixel off in every reference still
finds a continuation.  ``mean_fill`` pastes the pixel mean of the ``k`` nearest contents: one
query for the corrected label.  (Measured on 8x8 digits, 9 trojaned MLPs of 3 seeds with 3x3
and 4x4 triggers at 3 positions: the mean of 5 shifted fills answered the true label as often
as the majority vote of 5 separate fills, or more, for one query instead of five.)  No query
is spent choosing the fills.

``gaussian_fill`` is the regression form of the same idea: the box's pixels predicted from the
pixels outside it, as the conditional mean of a Gaussian fitted (ridge-regularised) on the ``k``
references nearest outside the box.  Every one of those references contributes, weighted by how
well it explains the image's surroundings, where the mean fill takes the five nearest alike.
``voting_fills`` gives a few such fills (neighbourhoods of a fifth, a third, a half and all of
the references) and the corrected label is the vote of the model's answers on them and on the
mean fill (``inputscan._vote``).  Measured on the true trigger box of the bench's 8x8 digits
(quick models of seeds 11 and 12, 3 sizes x 3 kinds, 200 poisoned images per group): right
92.3 % of the time with the mean fill, 93.4 % with one Gaussian fill (k = a third), 94.3 % with
the vote of five (the model's own accuracy on those images, the ceiling: 96.1 %).

``combined_label`` is how the corrected label is read when the model gives class probabilities:
the mean of the model's probabilities on the mean fill and on one Gaussian fill, with the
trigger's class set aside unless the fills are sure of it (a fill that leaves part of the
trigger's pull gives its class a share it would not have without the trigger; the next class is
then the one the rest of the image shows).  Measured on the true trigger box of the bench's
8x8 digits (2 seeds x 3 positions, 3x3 and 4x4 triggers of 3 kinds): 92.2-95.7 % per group
against 89.1-94.3 % for the mean fill's top answer; setting the target aside always gave a few
tenths more but answers another class for every triggered image of the target class itself;
with ``sure`` = 0.9 those keep it 87 % of the time (bench/RESULTS.md, branch bd12).
"""

from __future__ import annotations

import contextlib
import weakref

import numpy as np

from assay.backdoor.patches import Box, paste

__all__ = [
    "combined_label",
    "gaussian_fill",
    "mean_fill",
    "nearest_contents",
    "nearest_fills",
    "vote",
    "voting_fills",
]


def _shifted(references: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``references`` (n, H, W, C) moved by (dy, dx) pixels, the edges repeated."""
    if dy == 0 and dx == 0:
        return references
    _, height, width, _ = references.shape
    pad = ((0, 0), (max(dy, 0), max(-dy, 0)), (max(dx, 0), max(-dx, 0)), (0, 0))
    padded = np.pad(references, pad, mode="edge")
    top, left = max(-dy, 0), max(-dx, 0)
    out: np.ndarray = padded[:, top : top + height, left : left + width, :]
    return out


# The references shifted, per (array, shift): the clean set is the same for every image of a
# scan, and shifting it (np.pad) for each box was most of a corrected label's CPU.  Held by
# identity and dropped when the array is (never a stale copy of another array that reused its
# id); kept only while the stack is small (``CACHE_BYTES``: 9 shifts of 200 28x28 references
# are 11 MB, of 200 224x224x3 ones 2 GB, which are shifted move by move as before).
_SHIFTED: dict[tuple[int, int], tuple[weakref.ref[np.ndarray], np.ndarray]] = {}
_SHIFTED_MAX = 4
CACHE_BYTES = 64 * 1024 * 1024
# the last image's squared distances to every shifted reference, per pixel, and their sums:
# the boxes of one image (a dozen windows, then their parts) differ only in what they leave out
_LAST: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
# for references too large to keep shifted: the last image's summed distances (a table per
# reference and move, ``_move_sums``), kept while below SUMS_BYTES (300 64x64 references:
# 91 MB; 200 224x224 ones 729 MB, each box then compares its window of every reference)
_LAST_SUMS: list[tuple[np.ndarray, np.ndarray, int, np.ndarray]] = []
SUMS_BYTES = 256 * 1024 * 1024


def _moves(shift: int) -> list[tuple[int, int]]:
    return [(0, 0)] + [
        (dy, dx)
        for dy in range(-shift, shift + 1)
        for dx in range(-shift, shift + 1)
        if (dy, dx) != (0, 0)
    ]


def _shifted_all(references: np.ndarray, shift: int) -> np.ndarray | None:
    """``references`` (n, H, W, C) moved by each of ``_moves(shift)``, stacked move by move
    ((moves * n, H, W, C)), computed once per array; None when the stack would be too large
    to keep."""
    if references.nbytes * len(_moves(shift)) > CACHE_BYTES:
        return None
    key = (id(references), shift)
    hit = _SHIFTED.get(key)
    if hit is not None and hit[0]() is references:
        return hit[1]
    out = np.concatenate([_shifted(references, dy, dx) for dy, dx in _moves(shift)])
    out.flags.writeable = False
    if len(_SHIFTED) >= _SHIFTED_MAX:
        _SHIFTED.pop(next(iter(_SHIFTED)))
    with contextlib.suppress(TypeError):  # an array that takes no weak reference: not kept
        _SHIFTED[key] = (weakref.ref(references), out)
    return out


def _pixel_distances(image: np.ndarray, refs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared distances of ``image`` to each of ``refs`` per pixel ((m, H, W), channels
    summed) and in all ((m,)), remembered for the last image (compared by value)."""
    if _LAST:
        last_image, last_refs, per_pixel, total = _LAST[0]
        if last_refs is refs and np.array_equal(last_image, image):
            return per_pixel, total
    per_pixel = ((refs - image[None]) ** 2).sum(axis=3)
    total = per_pixel.reshape(len(per_pixel), -1).sum(axis=1)
    _LAST[:] = [(image.copy(), refs, per_pixel, total)]
    return per_pixel, total


def nearest_contents(
    image: np.ndarray, box: Box, references: np.ndarray, k: int = 5, shift: int = 0
) -> np.ndarray:
    """The contents (k, h, w, C) of ``box`` in the ``k`` references (n, H, W, C), each also
    tried shifted by up to ``shift`` pixels, nearest to ``image`` (H, W, C) outside the box
    (squared distance; ties: the unshifted, earlier reference first)."""
    t, left, h, w = box
    refs = _shifted_all(references, shift)
    if refs is not None:  # the distance outside the box: in all, less inside it
        per_pixel, total = _pixel_distances(image, refs)
        inside = per_pixel[:, t : t + h, left : left + w].reshape(len(refs), -1).sum(axis=1)
        nearest = np.argsort(total - inside, kind="stable")[: max(1, k)]
        out: np.ndarray = refs[nearest, t : t + h, left : left + w, :]
        return out
    # too large to keep shifted (64x64x3 references: 300 of them are 265 MB): the distances
    # per pixel, move by move, once per image, summed into a table from which each box's part
    # is four reads a reference; per box only the k nearest windows are moved (each box
    # shifting and comparing every pixel of every reference took 1.4 s a box, a 2,000-image
    # scan hours).  When even that table would be too large, each box compares its window.
    moves = _moves(shift)
    n = len(references)
    sums = _move_sums(image, references, shift)
    if sums is not None:
        outside = sums[:, -1, -1] - (
            sums[:, t + h, left + w]
            - sums[:, t, left + w]
            - sums[:, t + h, left]
            + sums[:, t, left]
        )
        nearest = np.argsort(outside, kind="stable")[: max(1, k)]
        picked = [
            _window(references[i % n : i % n + 1], box, *moves[i // n]) for i in nearest.tolist()
        ]
        return np.concatenate(picked)
    # move by move, keeping distances only: every move's windows at once were 9 copies of
    # the box in every reference (a 383x383 box of 20 512x512 references: 200 MB, three
    # such arrays at a time, hostile43b), and only k of them are wanted
    patch = image[None, t : t + h, left : left + w]
    inside = np.concatenate(
        [
            ((_window(references, box, dy, dx) - patch) ** 2).sum(axis=3).reshape(n, -1).sum(1)
            for dy, dx in moves
        ]
    )
    totals = np.concatenate(
        [
            ((_shifted(references, dy, dx) - image[None]) ** 2).sum(axis=(1, 2, 3))
            for dy, dx in moves
        ]
    )
    nearest = np.argsort(totals - inside, kind="stable")[: max(1, k)]
    return np.concatenate(
        [_window(references[i % n : i % n + 1], box, *moves[i // n]) for i in nearest.tolist()]
    )


def _move_sums(image: np.ndarray, references: np.ndarray, shift: int) -> np.ndarray | None:
    """Summed-area tables ((moves * n, H + 1, W + 1), float64) of the squared distances of
    ``image`` to each reference moved by each of ``_moves(shift)`` (as ``_shifted_all``
    stacks them), remembered for the last image; None beyond ``SUMS_BYTES``."""
    n, height, width, _ = references.shape
    moves = _moves(shift)
    if len(moves) * n * (height + 1) * (width + 1) * 8 > SUMS_BYTES:
        return None
    if _LAST_SUMS:
        last_image, last_refs, last_shift, sums = _LAST_SUMS[0]
        if last_refs is references and last_shift == shift and np.array_equal(last_image, image):
            return sums
    shape = (len(moves) * n, height + 1, width + 1)
    # the last image's table is written over (fresh memory is slow to come by: 91 MB took
    # a second on the project's machine, 30 times the distances themselves)
    sums = _LAST_SUMS[0][3] if _LAST_SUMS and _LAST_SUMS[0][3].shape == shape else np.zeros(shape)
    _LAST_SUMS.clear()
    for m, (dy, dx) in enumerate(moves):
        per_pixel = ((_shifted(references, dy, dx) - image[None]) ** 2).sum(axis=3)
        block = sums[m * n : (m + 1) * n, 1:, 1:]
        np.cumsum(per_pixel, axis=1, out=block)
        np.cumsum(block, axis=2, out=block)
    _LAST_SUMS[:] = [(image.copy(), references, shift, sums)]
    return sums


def _window(references: np.ndarray, box: Box, dy: int, dx: int) -> np.ndarray:
    """``box`` of ``references`` moved by (dy, dx) (``_shifted``'s edges), without moving
    the rest of them."""
    t, left, h, w = box
    _, height, width, _ = references.shape
    rows = np.clip(np.arange(t, t + h) - dy, 0, height - 1)
    cols = np.clip(np.arange(left, left + w) - dx, 0, width - 1)
    out: np.ndarray = references[:, rows][:, :, cols]
    return out


def nearest_fills(image: np.ndarray, box: Box, references: np.ndarray, k: int = 5) -> np.ndarray:
    """``k`` copies of ``image`` (H, W, C) with ``box`` filled from the ``k`` references
    (n, H, W, C) nearest to it outside the box (squared distance), nearest first."""
    contents = nearest_contents(image, box, references, k)
    return np.stack([paste(image[None], c, box)[0] for c in contents])


def mean_fill(
    image: np.ndarray, box: Box, references: np.ndarray, k: int = 5, shift: int = 1
) -> np.ndarray:
    """``image`` with ``box`` filled by the pixel mean of its ``k`` nearest contents among the
    references shifted by up to ``shift`` pixels (one image, (1, H, W, C))."""
    contents = nearest_contents(image, box, references, k, shift)
    return paste(image[None], contents.mean(axis=0), box)


def gaussian_fill(
    image: np.ndarray, box: Box, references: np.ndarray, k: int | None = None, ridge: float = 0.1
) -> np.ndarray:
    """``image`` (H, W, C) with ``box`` filled by the conditional mean of its pixels given the
    pixels outside it, under a Gaussian fitted on the ``k`` references (n, H, W, C) nearest to
    the image outside the box (all of them when ``k`` is None); the covariance is shrunk by
    ``ridge`` times its mean variance outside the box (over-fitting 150 references to 700
    pixels is otherwise easy).  Solved in the references' space (an n x n system: the cost does
    not grow with the pixels' count); the fill is clipped to the references' range.  One image,
    (1, H, W, C)."""
    t, left, h, w = box
    inside = np.zeros(image.shape, dtype=bool)
    inside[t : t + h, left : left + w, :] = True
    ins = inside.reshape(-1)
    refs = references.reshape(len(references), -1).astype(np.float64)
    flat = image.reshape(-1).astype(np.float64)
    if k is not None and k < len(refs):
        dist = ((refs[:, ~ins] - flat[~ins]) ** 2).sum(axis=1)
        refs = refs[np.argsort(dist, kind="stable")[: max(1, k)]]
    centre = refs.mean(axis=0)
    dev = refs - centre
    out_dev, in_dev = dev[:, ~ins], dev[:, ins]
    gram = out_dev @ out_dev.T
    shrink = ridge * float(np.trace(gram)) / len(gram) + 1e-12
    coef = np.linalg.solve(gram + shrink * np.eye(len(gram)), out_dev @ (flat[~ins] - centre[~ins]))
    filled = flat.copy()
    filled[ins] = np.clip(centre[ins] + in_dev.T @ coef, refs.min(), refs.max())
    out: np.ndarray = filled.reshape(image.shape)[None].astype(image.dtype)
    return out


def voting_fills(
    image: np.ndarray,
    box: Box,
    references: np.ndarray,
    shares: tuple[float, ...] = (1 / 3, 1 / 5, 1 / 2, 1.0),
) -> np.ndarray:
    """``gaussian_fill`` of ``box`` with the nearest ``share`` of the references (at least 10 of
    them), one fill per share, in that order (n_shares, H, W, C): the voters beside the mean
    fill for the corrected label."""
    n = len(references)
    sizes = list(dict.fromkeys(min(n, max(10, round(share * n))) for share in shares))
    return np.concatenate([gaussian_fill(image, box, references, k) for k in sizes])


def vote(labels: np.ndarray) -> int:
    """The most frequent label; ties go to the one that comes first (the nearest fill's)."""
    values = [int(v) for v in labels]
    return max(values, key=lambda v: (values.count(v), -values.index(v)))


def combined_label(probabilities: np.ndarray, target: int, sure: float = 0.9) -> int:
    """The class of highest mean probability over the fills' answers ``probabilities``
    (n_fills, n_classes), the trigger's class ``target`` left out unless its mean probability
    reaches ``sure`` (the fills agree the image is of that class even without the trigger: a
    triggered image of the target class itself).  Ties go to the lower class index."""
    mean = np.asarray(probabilities, dtype=np.float64).mean(axis=0)
    if 0 <= target < len(mean) and mean[target] < sure and len(mean) > 1:
        mean[target] = -np.inf
    return int(np.argmax(mean))
