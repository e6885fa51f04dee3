"""Model scan from clean images only (in the spirit of B3D, Dong et al., ICCV 2021, and of
Neural Cleanse's anomaly index, Wang et al., S&P 2019).

For each class, a gradient-free search looks for the smallest square patch (position, size and
content, each channel 0 or 1) that sends most clean images of other classes to that class:
every position with a few contents (white, black, random; for a colour model also each
saturated colour, solid), then rounds of hill climbing (flip a pixel's channel, move by
one: the content with the box, or the box alone, ``niches.slid``) from elites half of which
are at separate places (``niches.apart``), per patch size from
small to large, stopping at the first size that reaches the flip rate ``tau``; each larger
size also tries the best patch so far grown into it (``grow``).  A class that a
patch much smaller than the others' reaches is an outlier of the robust z-score over classes
(median and MAD); such a class is a suspected backdoor target.  Its patch is then improved on
the search's whole pool (``polish``: single-pixel flips and one-pixel moves, ranked by the lowest
flip rate over source classes) before it is checked on clean images the search did not see.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.backdoor.grow import grown
from assay.backdoor.niches import apart, slid
from assay.backdoor.patches import Box, paste
from assay.backdoor.shrink import shrink
from assay.backdoor.strip import Scorer

__all__ = [
    "ClassScan",
    "anomaly_index",
    "effective_cells",
    "effective_pixels",
    "first_candidates",
    "grey_kept",
    "outshone",
    "polish",
    "scan_class",
    "scan_sizes",
    "shortcut_ratio",
    "universality",
]


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
    # the patch on clean images the search did not see (if checked): its flip rate, how many
    # images, and its lowest flip rate over their source classes (a trigger sends them all)
    held_out: float | None = None
    held_out_n: int = 0
    lowest_source: float | None = None
    polished: bool = False  # the patch was improved on the search's pool (``polish``)
    # the fewest of the patch's pixels keeping most of its flip rate (``effective_pixels``)
    pixels: int | None = None
    # a colour model's patch in grey: the share of its flip rate kept (``grey_kept``)
    grey_kept: float | None = None
    # the patch as the search found it before ``shrink`` cut it (None: not cut): the held-out
    # check asks it too when the smallest part falls short (``widened``: it passed so)
    whole: tuple[Box, np.ndarray] | None = None
    widened: bool = False
    # the effective pixels' places (row, col in the image) when counted
    cells: list[tuple[int, int]] | None = None
    # a suspect's: the clean images carrying its patch's values there (``carried.carried``)
    carry: dict[str, Any] | None = None

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
            "held_out": None if self.held_out is None else round(self.held_out, 4),
            "held_out_n": self.held_out_n,
            "lowest_source": None if self.lowest_source is None else round(self.lowest_source, 4),
            "polished": self.polished,
            "pixels": self.pixels,
            "grey_kept": None if self.grey_kept is None else round(self.grey_kept, 4),
            "whole_box": None if self.whole is None else list(self.whole[0]),
            "whole_content": None if self.whole is None else self.whole[1].tolist(),
            "widened": self.widened,
            "effective_cells": None if self.cells is None else [list(c) for c in self.cells],
            "clean_carry": self.carry,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ClassScan:
        b = [int(v) for v in d["box"]]
        return cls(
            target=int(d["target"]),
            size=None if d["size"] is None else int(d["size"]),
            flip_rate=float(d["flip_rate"]),
            box=(b[0], b[1], b[2], b[3]),
            content=np.asarray(d["content"], dtype=np.float64),
            rates={int(k): float(v) for k, v in d["rates"].items()},
            queries=int(d.get("queries", 0)),
            natural=d.get("natural"),
            held_out=d.get("held_out"),
            held_out_n=int(d.get("held_out_n", 0)),
            lowest_source=d.get("lowest_source"),
            polished=bool(d.get("polished", False)),
            pixels=None if d.get("pixels") is None else int(d["pixels"]),
            grey_kept=None if d.get("grey_kept") is None else float(d["grey_kept"]),
            whole=_whole(d),
            widened=bool(d.get("widened", False)),
            cells=_cells(d.get("effective_cells")),
            carry=d.get("clean_carry"),
        )


def _cells(cells: list[list[int]] | None) -> list[tuple[int, int]] | None:
    return None if cells is None else [(int(r), int(c)) for r, c in cells]


def _whole(d: dict[str, Any]) -> tuple[Box, np.ndarray] | None:
    if d.get("whole_box") is None:
        return None
    b = [int(v) for v in d["whole_box"]]
    return (b[0], b[1], b[2], b[3]), np.asarray(d["whole_content"], dtype=np.float64)


def scan_sizes(height: int, width: int, max_size: int | None = None) -> list[int]:
    """Patch sizes to try: up to half the smaller side, at most four sizes.  (Sizes 2 and 3
    below a first size of 4, at 28x28, were tried: the planted 2x2 triggers were all named,
    but a clean model's natural '1' stroke was flagged; ``bench/RESULTS.md``.)"""
    top = max_size or max(1, min(height, width) // 2)
    return sorted({max(1, round(top * k / 4)) for k in range(1, 5)})


# the best patch of the sizes tried so far is tried grown into a larger size (``grow``) when it
# sends at least this share of the search's images: a trigger weakened on some source classes
# by the strokes beside it still sends most; a patch sending a minority is no shortcut yet,
# and growing it would only paste large uniform margins
GROW_FROM = 0.5

# a colour model's patches are also tried in each saturated colour (white and black are
# tried for every model): a trigger of one colour is rarely among random per-channel bits
# (a red 2x2 patch is one pattern of 4,096), and a search of single-bit flips reaches it from
# white only after eight of them
_SOLID_COLOURS = tuple(
    np.array(c, dtype=np.float64)
    for c in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 1, 1), (1, 0, 1), (1, 1, 0))
)


def _contents(size: int, channels: int, asked: int) -> int:
    """Contents tried per position: every black/white pattern where there are at most 16
    (a 2x2 grey patch), else ``asked`` (white, black, then random patterns)."""
    cells = size * size * channels
    return max(asked, 2**cells) if cells <= 4 else asked


def first_candidates(
    size: int, height: int, width: int, channels: int, rng: np.random.Generator, contents: int
) -> list[tuple[Box, np.ndarray]]:
    """The search's first candidates at one size: every position, each with white, black and
    random black/white contents (``contents`` in all; every pattern where there are at most
    16, ``_contents``), and for a colour model each saturated colour."""
    s = size
    cands: list[tuple[Box, np.ndarray]] = []
    n_contents = _contents(s, channels, contents)
    every = n_contents == 2 ** (s * s * channels) and n_contents > contents
    for t in range(height - s + 1):
        for left in range(width - s + 1):
            if every:  # pattern i's bits, white first; the random draws the few contents
                # took are drawn still, so that the larger sizes' search is the same whether
                # or not this size was tried in full
                for _ in range(2, contents):
                    rng.integers(0, 2, size=(s, s, channels))
                for i in range(n_contents):
                    bits = (~i >> np.arange(s * s * channels)) & 1
                    content = bits.reshape(s, s, channels).astype(np.float64)
                    cands.append(((t, left, s, s), content))
                continue
            for i in range(n_contents):
                if i == 0:
                    content = np.ones((s, s, channels))
                elif i == 1:
                    content = np.zeros((s, s, channels))
                else:
                    content = rng.integers(0, 2, size=(s, s, channels)).astype(np.float64)
                cands.append(((t, left, s, s), content))
            for colour in _SOLID_COLOURS if channels == 3 else ():
                cands.append(((t, left, s, s), np.broadcast_to(colour, (s, s, 3)).copy()))
    return cands


# the first candidates at one size and their scores for the class searched (flip share plus
# mean target probability on the class's screening images), computed once for every class
# (``sweep.Sweeps``)
Swept = Callable[[int], tuple[list[tuple[Box, np.ndarray]], np.ndarray]]


def scan_class(
    target: int,
    images: np.ndarray,
    scores: Scorer,
    rng: np.random.Generator,
    sizes: list[int],
    *,
    tau: float = 0.95,
    contents: int = 4,
    rounds: int = 10,
    elites: int = 6,
    children: int = 6,
    n_screen: int = 8,
    coarse_to_fine: bool = True,
    swept: Swept | None = None,
    screen: np.ndarray | None = None,
) -> ClassScan:
    """Search for the smallest patch sending ``images`` (none of class ``target``) there.
    With ``coarse_to_fine``, the first patch reaching ``tau`` is shrunk while it still does
    (``shrink.shrink``): its size is then the side of the smallest part kept.  ``swept``
    gives each size's first candidates with their scores (answered once for every class),
    ``screen`` the images they were scored on, which the climb's candidates are scored on
    too (default: the first ``n_screen`` of ``images``, the candidates drawn from ``rng``)."""
    _, height, width, channels = images.shape
    if screen is None or not len(screen):
        screen = images[:n_screen]
    rates: dict[int, float] = {}
    best_box: Box = (0, 0, sizes[0], sizes[0])
    best_content = np.zeros((sizes[0], sizes[0], channels))
    best_rate = -1.0
    found: int | None = None
    # the patch with the highest flip rate on ``images`` so far, grown into each larger size
    # (``grow.grown``): a trigger found at its size and weakened by the strokes beside it
    seed: tuple[Box, np.ndarray, float] | None = None

    def flips(cands: list[tuple[Box, np.ndarray]], pool: np.ndarray) -> np.ndarray:
        """Share of ``pool`` sent to the target plus its mean target probability (which gives
        the climb a slope where the share does not move)."""
        batch = np.concatenate([paste(pool, c, b) for b, c in cands])
        probs = scores(batch).reshape(len(cands), len(pool), -1)
        hit = (np.argmax(probs, axis=2) == target).mean(axis=1)
        out: np.ndarray = hit + probs[:, :, target].mean(axis=1)
        return out

    def on_images(box: Box, content: np.ndarray) -> float:
        """The share of ``images`` one patch sends to the target."""
        return float((np.argmax(scores(paste(images, content, box)), axis=1) == target).mean())

    for s in sizes:
        if swept is not None:
            cands, score = swept(s)
        else:
            cands = first_candidates(s, height, width, channels, rng, contents)
            score = flips(cands, screen)
        for _ in range(rounds):
            # the elites at separate places (``niches.apart``): one peak's near-copies
            # would take every place and the climb would never leave it
            top = apart([b for b, _ in cands], score, elites, max(1, elites // 2))
            kids: list[tuple[Box, np.ndarray]] = []
            for j in top:
                (t, left, _, _), content = cands[int(j)]
                for _ in range(children):
                    c2 = content.copy()
                    t2, l2 = t, left
                    if rng.random() < 0.5:
                        y, x, ch = (int(rng.integers(0, d)) for d in c2.shape)
                        c2[y, x, ch] = 1.0 - c2[y, x, ch]
                    else:
                        t2 = int(np.clip(t + rng.integers(-1, 2), 0, height - s))
                        l2 = int(np.clip(left + rng.integers(-1, 2), 0, width - s))
                        if rng.random() < 0.5:  # the window moves, its pixels stay put
                            c2 = slid(content, t2 - t, l2 - left, rng)
                    kids.append(((t2, l2, s, s), c2))
            kid_score = flips(kids, screen)
            cands = [cands[int(j)] for j in top] + kids
            score = np.concatenate([score[top], kid_score])
        box, content = cands[int(np.argmax(score))]
        rate = on_images(box, content)
        if seed is not None and seed[2] >= GROW_FROM:
            # one more contender: the best patch so far grown into this size (the climb's
            # own search is left as it was); kept when it sends more of ``images``
            more = grown(seed[0], seed[1], s, height, width)
            if more:
                box2, content2 = more[int(np.argmax(flips(more, screen)))]
                rate2 = on_images(box2, content2)
                if rate2 > rate:
                    box, content, rate = box2, content2, rate2
        rates[s] = rate
        if seed is None or rate > seed[2]:
            seed = (box, content, rate)
        if rate > best_rate or found is None:
            best_box, best_content, best_rate = box, content, rate
        if rate >= tau:
            found = s
            if coarse_to_fine:
                whole = (best_box, best_content)
                best_box, best_content, best_rate = shrink(
                    target, best_box, best_content, images, scores, tau, best_rate
                )
                found = best_box[2]
                rates[found] = max(rates.get(found, 0.0), best_rate)
                if best_box != whole[0]:
                    scan = ClassScan(target, found, best_rate, best_box, best_content, rates)
                    scan.whole = whole
                    return scan
            break
    return ClassScan(target, found, best_rate, best_box, best_content, rates)


def anomaly_index(scores: np.ndarray) -> np.ndarray:
    """Robust z-scores below the median: (median - score) / (1.4826 MAD); the MAD is floored at
    a tenth of the median (and at 1e-9) so that classes that all need the same patch give 0."""
    med = float(np.median(scores))
    mad = float(np.median(np.abs(scores - med)))
    scale = 1.4826 * max(mad, 0.1 * abs(med), 1e-9)
    out: np.ndarray = (med - scores) / scale
    return out


# the fewest classes with counted effective pixels (the class itself among them) over which a
# class's shortcut ratio is a route to the verdict's checks (``technique._anomalous``): with
# one other class the ratio compares two patches, not a class with the model's classes
PIXEL_CLASSES = 3


def universality(hits: np.ndarray, sources: np.ndarray) -> tuple[float, float]:
    """The flip rate of one fixed patch over images (``hits``: sent to the target or not) and
    its lowest flip rate over the images' source classes (``sources``: the model's labels of
    the images before the patch).  A trigger sends images of every source class; a patch
    that works by resembling the target works for some classes only."""
    if not len(hits):
        return 0.0, 0.0
    lowest = min(float(hits[sources == k].mean()) for k in np.unique(sources))
    return float(hits.mean()), lowest


def polish(
    target: int,
    box: Box,
    content: np.ndarray,
    pool: np.ndarray,
    sources: np.ndarray,
    scores: Scorer,
    max_rounds: int = 4,
) -> tuple[Box, np.ndarray, float]:
    """A suspect's patch improved on the search's whole ``pool`` (its screening images are a
    few of them): every single-pixel flip of its content and every one-pixel move, the best
    taken while it improves, ranked by the lowest flip rate over the pool's source classes
    (``sources``: the model's labels of the pool), then the flip rate, then the mean target
    probability.  The search keeps the best of many candidates on a few images, often a
    trigger with a pixel wrong or a pixel off that misses some source class; the held-out
    check asks every source class.  Returns the box, its content and the pool's flip rate."""
    _, height, width, _ = pool.shape
    t, left, h, w = box

    def rank(cands: list[tuple[Box, np.ndarray]]) -> list[tuple[float, float, float]]:
        batch = np.concatenate([paste(pool, c, b) for b, c in cands])
        probs = scores(batch).reshape(len(cands), len(pool), -1)
        out = []
        for p in probs:
            hits = np.argmax(p, axis=1) == target
            rate, lowest = universality(hits, sources)
            out.append((lowest, rate, float(p[:, target].mean())))
        return out

    best = rank([(box, content)])[0]
    for _ in range(max_rounds):
        cands: list[tuple[Box, np.ndarray]] = []
        for idx in np.ndindex(*content.shape):
            flipped = content.copy()
            flipped[idx] = 1.0 - flipped[idx]
            cands.append(((t, left, h, w), flipped))
        for dt, dl in itertools.product((-1, 0, 1), repeat=2):
            t2, l2 = t + dt, left + dl
            if (dt, dl) != (0, 0) and 0 <= t2 <= height - h and 0 <= l2 <= width - w:
                cands.append(((t2, l2, h, w), content))
        ranked = rank(cands)
        j = max(range(len(cands)), key=lambda i: ranked[i])
        if ranked[j] <= best:
            break
        best = ranked[j]
        (t, left, h, w), content = cands[j]
    return (t, left, h, w), content, best[1]


def effective_pixels(
    target: int,
    box: Box,
    content: np.ndarray,
    pool: np.ndarray,
    scores: Scorer,
    keep: float = 0.9,
) -> tuple[int, float]:
    """How many pixels ``effective_cells`` keeps, and the whole patch's flip rate."""
    cells, rate = effective_cells(target, box, content, pool, scores, keep)
    return len(cells), rate


def effective_cells(
    target: int,
    box: Box,
    content: np.ndarray,
    pool: np.ndarray,
    scores: Scorer,
    keep: float = 0.9,
) -> tuple[list[tuple[int, int]], float]:
    """The fewest of a patch's pixels (their places in the image, row and column) that,
    pasted alone (the rest of the box left as each
    image of ``pool`` has it), keep ``keep`` of the whole patch's flip rate on ``pool``; and
    that flip rate.  The pixels are ranked once by how much the rate (then the mean target
    probability) falls without each of them, and the shortest prefix of that ranking keeping
    the rate is found by bisection: ``h * w + log2(h * w) + 1`` calls of ``len(pool)`` images.

    A learnt trigger is a shortcut: a handful of its pixels carry the whole effect, and
    removing one of them loses it.  A patch that reaches a class of a clean model by drawing
    part of the class's shape needs many pixels, each adding a little (on 16x16 digits:
    triggers 2-4 pixels, the clean models' universal patches 8-37; bench/RESULTS.md)."""
    t, left, h, w = box
    cells = [(y, x) for y in range(h) for x in range(w)]

    def pasted(masks: list[np.ndarray]) -> np.ndarray:
        out = []
        for m in masks:
            batch = pool.copy()
            region = batch[:, t : t + h, left : left + w, :]
            region[:, m] = content[m]
            out.append(batch)
        return np.concatenate(out)

    def rates(masks: list[np.ndarray]) -> list[tuple[float, float]]:
        probs = scores(pasted(masks)).reshape(len(masks), len(pool), -1)
        hit = np.argmax(probs, axis=2) == target
        return [
            (float(hit[i].mean()), float(probs[i, :, target].mean())) for i in range(len(masks))
        ]

    full = np.ones((h, w), dtype=bool)
    without = []
    for y, x in cells:
        m = full.copy()
        m[y, x] = False
        without.append(m)
    measured = rates([full, *without])
    rate = measured[0][0]
    order = sorted(range(len(cells)), key=lambda i: measured[1 + i])  # most needed first
    lo, hi = 1, len(cells)
    while lo < hi:
        mid = (lo + hi) // 2
        m = np.zeros((h, w), dtype=bool)
        for i in order[:mid]:
            m[cells[i]] = True
        if rates([m])[0][0] >= keep * rate:
            hi = mid
        else:
            lo = mid + 1
    return sorted((t + y, left + x) for y, x in (cells[i] for i in order[:lo])), rate


def grey_kept(
    target: int, box: Box, content: np.ndarray, pool: np.ndarray, scores: Scorer
) -> float:
    """The share of a colour patch's flip rate on ``pool`` that the same patch in grey keeps
    (each pixel's channels replaced by their mean: the same brightness, no colour); 1.0 when
    the patch sends none of ``pool`` there.  Two calls of ``len(pool)`` images.

    A colour trigger works by its colour: in grey it sends almost nothing (on 8x8 colour
    digits, 42 of the 69 patches found for a planted solid or two-colour trigger's target
    kept 0.00-0.47; the others were light and dark parts of it, 0.53-1.0).  The patches that
    reach a clean colour model's classes draw light and dark strokes, and work as well in grey
    (0.90-1.0; the other classes of trojaned models 0.65-1.0; bench/RESULTS.md, branch scan18)."""
    grey = np.repeat(content.mean(axis=2, keepdims=True), content.shape[2], axis=2)
    probs = scores(np.concatenate([paste(pool, content, box), paste(pool, grey, box)]))
    hits = (np.argmax(probs, axis=1) == target).reshape(2, len(pool)).mean(axis=1)
    return 1.0 if hits[0] == 0 else float(min(hits[1] / hits[0], 1.0))


def shortcut_ratio(pixels: list[int | None], target: int) -> float | None:
    """How many times fewer effective pixels the class ``target`` needs than the median of
    the other classes a patch was found for (``pixels``: per class, None where none was
    found or counted); None when no other class has a count."""
    mine = pixels[target]
    others = [p for c, p in enumerate(pixels) if c != target and p is not None]
    if mine is None or not others:
        return None
    return float(np.median(others)) / max(mine, 1)


def outshone(
    pixels: list[int | None], weak: list[int], suspects: list[int], ratio: float
) -> dict[int, int]:
    """The ``weak`` suspects (passed as weak shortcuts: their own shortcut ratio under a
    strong one's) that need at least ``ratio`` times the effective pixels of another of the
    ``suspects``: {class: that suspect}.  The shortcut ratio compares a class with the
    classes a patch was found for, which the search's larger sizes change (on a trojaned 28x28
    digits MLP the natural '1' stroke moved from 0.3 to 3.1 when two more classes were reached
    at 14x14, and was suspected beside the planted 4x4 trigger's target, 19 pixels against 6;
    bench/RESULTS.md, bd32 and bd33); a class
    needing ``ratio`` times the pixels of a suspect in the same model fails that comparison
    against the suspect itself."""
    counted = [c for c in suspects if pixels[c] is not None]
    if len(counted) < 2:
        return {}
    fewest = min(counted, key=lambda c: (pixels[c] or 0, c))
    least = max(pixels[fewest] or 0, 1)
    return {
        c: fewest
        for c in counted
        if c != fewest and c in weak and (pixels[c] or 0) >= ratio * least
    }
