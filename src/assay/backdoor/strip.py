"""STRIP (Gao et al., ACSAC 2019): a poisoned input stays confidently in the target class when
blended with other images, so the entropy of its blended predictions is low.

The threshold is set from clean images alone, at a chosen false-positive rate: an input whose
entropy is below the ``k``-th lowest of ``n`` clean images' entropies is flagged, where
``k = floor(fpr * (n + 1))`` (a new clean image is below the ``k``-th lowest of ``n`` with
probability ``k / (n + 1)`` at most, so the rate is at most ``fpr``).  With too few clean
images for that (``k = 0``: 5 images at 5 %) the lowest is taken, whose rate ``1 / (n + 1)``
(17 % for 5) is said, never the ``fpr`` asked (``strip_rate``): the ``fpr`` quantile did so,
and 5 clean images at ``--fpr 0.05`` flagged 16 % of 419 held-out clean digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from assay.core.model import Capabilities

__all__ = [
    "Scorer",
    "blend_entropy",
    "blend_picks",
    "class_scores",
    "distinct_blends",
    "low_cluster",
    "low_unflagged",
    "strip_bound",
    "strip_rank",
    "strip_rate",
    "strip_threshold",
]

STRIP_LOW = 0.05  # of the clean images' median entropy: "one answer under nearly every blend"

Scorer = Callable[[np.ndarray], np.ndarray]
"""Canonical images -> (n, k) class probabilities (one-hot rows for label-only models)."""


def blend_entropy(
    images: np.ndarray,
    scores: Scorer,
    pool: np.ndarray,
    rng: np.random.Generator,
    n_blend: int = 20,
    alpha: float | None = None,
    picks: np.ndarray | None = None,
) -> np.ndarray:
    """For each image, the mean over ``n_blend`` blends of each blend's entropy when the model gives
    probabilities, and the entropy of the blends' label histogram when it gives labels only
    (both low for a trigger that survives blending).  One model call for the whole batch."""
    n = len(images)
    if picks is None:  # (``picks``: the pool images each image is blended with, given)
        picks = blend_picks(rng, n, len(pool), n_blend)
    n_blend = picks.shape[1]
    if alpha is None:  # superimposed (added and clipped), as in STRIP's experiments
        blends = np.clip(images[:, None] + pool[picks], 0.0, 1.0)
    else:
        blends = alpha * images[:, None] + (1 - alpha) * pool[picks]
    probs = scores(blends.reshape(n * n_blend, *images.shape[1:])).reshape(n, n_blend, -1)
    one_hot = np.all((probs == 0) | (probs == 1), axis=(1, 2))
    p = np.clip(probs, 1e-12, 1.0)
    per_blend = -(probs * np.log2(p)).sum(axis=2).mean(axis=1)
    hist = probs.mean(axis=1)
    label_entropy = -(hist * np.log2(np.clip(hist, 1e-12, 1.0))).sum(axis=1)
    out: np.ndarray = np.where(one_hot, label_entropy, per_blend)
    return out


def blend_picks(rng: np.random.Generator, n: int, n_pool: int, n_blend: int) -> np.ndarray:
    """The pool images each of ``n`` images is blended with: ``n_blend`` distinct ones when
    the pool holds as many, else every pool image in turn, each as often as the others (one
    more for some).  Drawn with replacement, 20 blends from a pool of 10 (20 clean images)
    were about 9 distinct images, a noisier entropy than "20 blends" says (left46b)."""
    if n_pool >= n_blend:
        out: np.ndarray = np.argsort(rng.random((n, n_pool)), axis=1)[:, :n_blend]
        return out
    laps = -(-n_blend // max(1, n_pool))
    turns = [np.argsort(rng.random((n, n_pool)), axis=1) for _ in range(laps)]
    rounds: np.ndarray = np.concatenate(turns, axis=1)[:, :n_blend]
    return rounds


def distinct_blends(n_pool: int, n_blend: int) -> int:
    """How many distinct clean images each image's ``n_blend`` blends are of."""
    return min(n_pool, n_blend)


def strip_rank(n: int, fpr: float) -> int:
    """Which of ``n`` clean entropies (1: the lowest) is the threshold at ``fpr``."""
    return max(1, math.floor(fpr * (n + 1) + 1e-9))


def strip_rate(n: int, fpr: float) -> float:
    """The false-positive rate of the threshold set on ``n`` clean images at ``fpr``: at most
    ``fpr``, or ``1 / (n + 1)`` when ``n`` is too small for ``fpr``."""
    return strip_rank(n, fpr) / (n + 1) if n else 1.0


STRIP_CONFIDENCE = 0.95  # of the bound said on one threshold's own false-positive rate


def strip_bound(n: int, fpr: float, confidence: float = STRIP_CONFIDENCE) -> float:
    """The false-positive rate that the one threshold set on ``n`` clean images stays under
    with probability ``confidence``.  ``strip_rate`` is the rate on average over the clean
    sets a threshold could be set on; the one set on these images flags a share ``F`` of
    new clean images that is Beta(``k``, ``n + 1 - k``) distributed (``k``: ``strip_rank``),
    as ``P(F <= u) = P(Binomial(n, u) >= k)``: on 100 clean images at ``--fpr 0.01`` its
    mean is 1 %, but one threshold in eight flags over 2 %; its 95 % point is 2.9 %."""
    if not n:
        return 1.0
    k = strip_rank(n, fpr)
    lo, hi = 0.0, 1.0
    for _ in range(60):  # (bisection: the binomial tail rises with u)
        mid = (lo + hi) / 2
        if _tail(k, n, mid) < confidence:
            lo = mid
        else:
            hi = mid
    return hi


def low_cluster(clean_entropy: Sequence[float] | np.ndarray, threshold: float) -> int:
    """How many clean images STRIP was calibrated on keep one answer under nearly every blend
    (entropy under ``STRIP_LOW`` of their median), as a poisoned image does, when two or more
    do and the threshold is among them; else 0.

    Poisoned images among the clean ones make such a cluster and set the threshold in it: a
    poisoned image scanned is then flagged only below them (3 to 10 poisoned digits among 200
    clean: the two lowest at 0.2-1.6 % of the median on 4 of 6 runs, 1 to 7 of 30 poisoned
    flagged; on the other 2 the lowest were at 4-7 %, not told from clean).  One such clean
    image alone happens on clean calibrations (the lowest at 3-6 % of the median on 2 of 31
    runs: 8x8 and 16x16 digits, 40-200 clean images), two never did (the second lowest was
    at 14.8 % or more)."""
    e = np.sort(np.asarray(clean_entropy, dtype=np.float64))
    if len(e) < 2:
        return 0
    low = STRIP_LOW * float(np.median(e))
    count = int(np.sum(e < low))
    return count if count >= 2 and threshold < low else 0


# of the clean images' median entropy: a scanned image under it "keeps nearly one answer"
STRIP_WIDE = 0.2
STRIP_ODDS = 0.01  # how unlikely, for clean images, that many such images left unflagged


def low_unflagged(
    clean_entropy: Sequence[float] | np.ndarray,
    threshold: float,
    scanned_entropy: Sequence[float] | np.ndarray,
) -> int:
    """How many scanned images STRIP left unflagged though their entropy is under
    ``STRIP_WIDE`` of the clean images' median, when clean images would hardly leave so many
    (three or more, and fewer than ``STRIP_ODDS`` odds that so many of them fall under that
    line when the clean images it was calibrated on put (c + 1) / (n + 1) of them there); else 0.

    Poisoned images among the clean ones whose entropies spread (0.8 %, 5.9 %, 12.6 % of the
    median) set the threshold under the lowest of them, and most poisoned images scanned sit
    between it and the clean images: on 9 trojaned digit models given 3 to 10 poisoned among
    200 clean images, STRIP flagged 1 to 12 of 30 poisoned and 9 to 23 such images were left
    (``low_cluster`` caught 5 of the 9, this all 9); on 25 clean calibrations (clean and
    trojaned models, 8x8 and 16x16, 40 to 200 clean images) it never fired (bench/RESULTS.md,
    bd31)."""
    e = np.asarray(clean_entropy, dtype=np.float64)
    scanned = np.asarray(scanned_entropy, dtype=np.float64)
    if not len(e) or not len(scanned):
        return 0
    line = STRIP_WIDE * float(np.median(e))
    if threshold >= line:
        return 0
    left = int(np.sum((scanned >= threshold) & (scanned < line)))
    share = (int(np.sum(e < line)) + 1) / (len(e) + 1)
    if left < 3 or _tail(left, len(scanned), share) >= STRIP_ODDS:
        return 0
    return left


def _tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X binomial (n, p), summed in logs (n may be thousands of images)."""
    if p >= 1.0:
        return 1.0
    lp, lq, top = math.log(p), math.log1p(-p), math.lgamma(n + 1)
    return min(
        1.0,
        sum(
            math.exp(top - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq)
            for i in range(k, n + 1)
        ),
    )


def strip_threshold(clean_entropy: np.ndarray, fpr: float) -> float:
    """The entropy below which an input is flagged: the ``strip_rank``-th lowest of the clean
    inputs' (``fpr``'s conformal quantile)."""
    n = len(clean_entropy)
    if not n:
        return 0.0
    return float(np.sort(np.asarray(clean_entropy, dtype=np.float64))[strip_rank(n, fpr) - 1])


def class_scores(out: np.ndarray, caps: Capabilities) -> np.ndarray:
    """A model's answers as (n, k) class probabilities: one-hot rows for labels; one column
    read as the second class's probability (the first's is its complement); scores that are
    not probabilities (negative, or rows not summing to one) read as logits (a softmax: a
    model answering log-probabilities plus a constant gets its probabilities back, where
    clipping at 0 and dividing by the sum gave near-uniform rows and a STRIP entropy of
    about log2(k) for every image)."""
    if caps.outputs == "labels":
        scores: np.ndarray = np.eye(caps.n_classes or 2)[np.asarray(out).astype(np.int64)]
        return scores
    p = np.asarray(out, dtype=np.float64)
    if p.ndim == 1 or p.shape[1] == 1:
        q = p.reshape(-1)
        p = np.stack([1.0 - q, q], axis=1)
    if len(p) and (p.min() < 0 or not np.allclose(p.sum(axis=1), 1.0, atol=1e-3)):
        p = np.exp(p - p.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
    return p
