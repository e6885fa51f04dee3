"""Model scan from clean images only (in the spirit of B3D, Dong et al., ICCV 2021, and of
Neural Cleanse's anomaly index, Wang et al., S&P 2019).

For each class, a gradient-free search looks for the smallest patch that sends most clean
images of other classes to that class.  Sizes go from small to large; at each size, square
patches are asked at every position (a grid of half the size's stride on large images) with
white, black and random black/white contents, then an evolutionary search (the best patches
are kept; children flip a few pixels, cross two parents' contents, or move) climbs the share of
screening images sent to the class (plus their mean probability of it, which gives the climb a
slope where the share does not move).  At the first size whose best patch reaches the flip
rate ``tau`` on all the clean images, its pixels are pruned one at a time (a pruned pixel keeps
the image's own value) while the patch still reaches ``tau``: the class's score is the number
of pixels the patch needs.

A class that needs far fewer pixels than the others is an outlier of the robust z-score over
classes of log2(pixels) (median and MAD, the MAD floored at half a doubling: the search cannot
tell apart areas closer than that); such a class is a suspected backdoor target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.backdoor.patches import Box
from assay.backdoor.strip import Scorer

__all__ = [
    "MIN_MAD",
    "ClassScan",
    "anomaly_index",
    "paste_masked",
    "pixel_scores",
    "scan_class",
    "scan_sizes",
]

Candidate = tuple[Box, np.ndarray, np.ndarray]  # box, content (h, w, C), mask (h, w)
MIN_MAD = 0.5  # floor of the MAD of log2(pixels): half a doubling of the patch area


@dataclass
class ClassScan:
    """The smallest patch found for one class."""

    target: int
    size: int | None  # the smallest size reaching tau (None: none within the sizes tried)
    flip_rate: float  # of the best patch at that size (or at the largest size tried)
    box: Box
    content: np.ndarray
    rates: dict[int, float]  # size -> best flip rate found
    queries: int = 0
    natural: float | None = None  # flip rate of the class's own pixels in the box (if checked)
    pixels: int | None = None  # pixels the patch needs after pruning (None: tau not reached)
    mask: np.ndarray | None = field(default=None)  # (h, w) the pixels kept after pruning

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "size": self.size,
            "flip_rate": round(self.flip_rate, 4),
            "box": list(self.box),
            "content": self.content.tolist(),
            "rates": {str(k): round(v, 4) for k, v in self.rates.items()},
            "queries": self.queries,
            "natural": self.natural,
            "pixels": self.pixels,
            "mask": None if self.mask is None else self.mask.astype(int).tolist(),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ClassScan:
        b = [int(v) for v in d["box"]]
        mask = d.get("mask")
        return cls(
            target=int(d["target"]),
            size=None if d["size"] is None else int(d["size"]),
            flip_rate=float(d["flip_rate"]),
            box=(b[0], b[1], b[2], b[3]),
            content=np.asarray(d["content"], dtype=np.float64),
            rates={int(k): float(v) for k, v in d["rates"].items()},
            queries=int(d.get("queries", 0)),
            natural=d.get("natural"),
            pixels=None if d.get("pixels") is None else int(d["pixels"]),
            mask=None if mask is None else np.asarray(mask, dtype=bool),
        )


def scan_sizes(height: int, width: int, max_size: int | None = None) -> list[int]:
    """Patch sizes to try: every size up to 4, then at most four sizes up to ``max_size``
    (default half the smaller side)."""
    top = max_size or max(1, min(height, width) // 2)
    if top <= 4:
        return list(range(1, top + 1))
    return sorted({max(1, round(top * k / 4)) for k in range(1, 5)})


def paste_masked(images: np.ndarray, content: np.ndarray, box: Box, mask: np.ndarray) -> np.ndarray:
    """Copies of ``images`` (n, H, W, C) with the pixels of ``content`` where ``mask`` is set
    pasted at ``box`` (elsewhere in the box the images keep their own pixels)."""
    t, left, h, w = box
    out = images.copy()
    region = out[:, t : t + h, left : left + w, :]
    out[:, t : t + h, left : left + w, :] = np.where(mask[None, :, :, None], content[None], region)
    return out


def _starts(total: int, size: int, stride: int) -> list[int]:
    out = list(range(0, total - size + 1, stride))
    if out[-1] != total - size:
        out.append(total - size)
    return out


class _Fitness:
    """Share of a pool sent to the target and its mean target probability, per candidate
    (one batched call for all candidates)."""

    def __init__(self, target: int, scores: Scorer) -> None:
        self.target = target
        self.scores = scores

    def __call__(self, cands: list[Candidate], pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        batch = np.concatenate([paste_masked(pool, c, b, m) for b, c, m in cands])
        probs = self.scores(batch).reshape(len(cands), len(pool), -1)
        hit = (np.argmax(probs, axis=2) == self.target).mean(axis=1)
        return hit, probs[:, :, self.target].mean(axis=1)


def _evolve(
    size: int,
    images: np.ndarray,
    fit: _Fitness,
    rng: np.random.Generator,
    *,
    randoms: int,
    rounds: int,
    elites: int,
    children: int,
) -> list[Candidate]:
    """The best patches of one size on the screening ``images``, best first."""
    _, height, width, channels = images.shape
    positions = (height - size + 1) * (width - size + 1)
    stride = 1 if positions <= 100 else max(1, size // 2)
    full = np.ones((size, size), dtype=bool)
    cands: list[Candidate] = []
    for t in _starts(height, size, stride):
        for left in _starts(width, size, stride):
            for i in range(2 + randoms):
                if i < 2:
                    content = np.full((size, size, channels), 1.0 - i)
                else:
                    content = rng.integers(0, 2, size=(size, size, channels)).astype(np.float64)
                cands.append(((t, left, size, size), content, full))
    hit, prob = fit(cands, images)
    score = hit + prob
    flips = max(1, size * size // 4)
    for _ in range(rounds):
        top = np.argsort(-score, kind="stable")[:elites]
        kids: list[Candidate] = []
        for j in top:
            (t, left, _, _), content, _ = cands[int(j)]
            for _ in range(children):
                c2, t2, l2 = content.copy(), t, left
                u = rng.random()
                if u < 0.5:  # flip a few pixels
                    for _ in range(1 + int(rng.integers(0, flips))):
                        y, x, ch = (int(rng.integers(0, d)) for d in c2.shape)
                        c2[y, x, ch] = 1.0 - c2[y, x, ch]
                elif u < 0.75:  # cross with another elite's content
                    other = cands[int(top[int(rng.integers(0, len(top)))])][1]
                    c2 = np.where(rng.random((size, size, 1)) < 0.5, c2, other)
                else:  # move within the grid's stride
                    t2 = int(np.clip(t + rng.integers(-stride, stride + 1), 0, height - size))
                    l2 = int(np.clip(left + rng.integers(-stride, stride + 1), 0, width - size))
                kids.append(((t2, l2, size, size), c2, full))
        kid_hit, kid_prob = fit(kids, images)
        cands = [cands[int(j)] for j in top] + kids
        score = np.concatenate([score[top], kid_hit + kid_prob])
    return [cands[int(j)] for j in np.argsort(-score, kind="stable")]


def _prune(
    cand: Candidate, screen: np.ndarray, pool: np.ndarray, fit: _Fitness, tau: float
) -> Candidate:
    """Drop pixels one at a time (the one whose loss hurts least) while the patch still sends
    at least ``tau`` of the screening images to the target; the result is checked on the pool
    and grown back (last dropped first) until it reaches ``tau`` there too."""
    box, content, mask = cand
    dropped: list[tuple[int, int]] = []
    while mask.sum() > 1:
        on = list(zip(*np.nonzero(mask), strict=True))
        trials = []
        for y, x in on:
            m2 = mask.copy()
            m2[y, x] = False
            trials.append((box, content, m2))
        hit, prob = fit(trials, screen)
        k = int(np.argmax(hit + prob))
        if hit[k] < tau:
            break
        mask = trials[k][2]
        dropped.append((int(on[k][0]), int(on[k][1])))
    while dropped:
        hit, _ = fit([(box, content, mask)], pool)
        if hit[0] >= tau:
            break
        y, x = dropped.pop()
        mask = mask.copy()
        mask[y, x] = True
    return box, content, mask


def scan_class(
    target: int,
    images: np.ndarray,
    scores: Scorer,
    rng: np.random.Generator,
    sizes: list[int],
    *,
    tau: float = 0.95,
    randoms: int = 2,
    rounds: int = 10,
    elites: int = 8,
    children: int = 6,
    n_screen: int = 10,
) -> ClassScan:
    """Search for the smallest patch sending ``images`` (none of class ``target``) there."""
    fit = _Fitness(target, scores)
    screen = images[:n_screen]
    rates: dict[int, float] = {}
    best: tuple[Candidate, float] | None = None
    for s in sizes:
        ranked = _evolve(
            s, screen, fit, rng, randoms=randoms, rounds=rounds, elites=elites, children=children
        )[:3]
        hit, prob = fit(ranked, images)
        j = int(np.argmax(hit + prob))
        rate = float(hit[j])
        rates[s] = rate
        if best is None or rate > best[1]:
            best = (ranked[j], rate)
        if rate >= tau:
            box, content, mask = _prune(ranked[j], screen, images, fit, tau)
            final, _ = fit([(box, content, mask)], images)
            return ClassScan(
                target,
                s,
                float(final[0]),
                box,
                content,
                rates,
                pixels=int(mask.sum()),
                mask=mask,
            )
    assert best is not None
    (box, content, _), rate = best
    return ClassScan(target, None, rate, box, content, rates)


def pixel_scores(scans: list[ClassScan], sizes: list[int]) -> np.ndarray:
    """log2 of the pixels each class's patch needs; a class no size reached counts as the
    largest size plus one, squared."""
    worst = (sizes[-1] + 1) ** 2
    return np.asarray(
        [math.log2(s.pixels if s.pixels is not None else worst) for s in scans], dtype=np.float64
    )


def anomaly_index(scores: np.ndarray, *, min_mad: float | None = None) -> np.ndarray:
    """Robust z-scores below the median: (median - score) / (1.4826 MAD).  The MAD is floored
    at ``min_mad`` (default: a tenth of the median) and at 1e-9, so that classes that all need
    about the same patch give 0."""
    med = float(np.median(scores))
    mad = float(np.median(np.abs(scores - med)))
    floor = 0.1 * abs(med) if min_mad is None else min_mad
    scale = 1.4826 * max(mad, floor, 1e-9)
    out: np.ndarray = (med - scores) / scale
    return out
