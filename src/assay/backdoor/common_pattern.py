"""A pattern the unconfirmed images answered one class hold in common, sent into clean images.

A trigger blended over the whole image at 10-30 % (a noise pattern, stripes, a photo) is no
patch, and STRIP's superimposed blends wash it out: hostile44b's RGB CNN, 16 of 20 images
blended at 20 % answered its target, read "0 of 40 images carry a confirmed trigger", exit 0
(bench/RESULTS.md).  A blend is ``(1 - a) x + a P`` with the same ``P`` in every poisoned
image, so the mean of many of them keeps ``a P`` whole while their objects average out.  For
each class ``t`` that ``MIN_GROUP`` or more unconfirmed images and as many clean images were
answered, the difference of means

    D = mean of the unconfirmed images answered t - mean of the clean images answered t
        - (mean colour of every unconfirmed image - mean colour of every clean image)

holds what the scanned images answered ``t`` have and the clean ones answered ``t`` lack (the
last term takes away a shift common to every scanned image, a camera's brightness).  On a
clean model the two groups of ``t`` are alike and ``D`` is their objects' noise, as likely
to send a clean image to ``t`` as ``-D`` is; a trigger is in ``D`` at nearly its share in a
poisoned image and in ``-D`` negated.  So ``BASES`` clean images answered otherwise are asked
with ``D`` added and with ``D`` taken away (clipped to [0, 1]: no weight is chosen, the
pattern is at the share the images hold it), and the class is given when the bases sent to
``t`` by ``D`` alone outnumber those sent by ``-D`` alone beyond what a fair coin gives
(``STRIP_ODDS``, split over the classes tested).  ``-D`` is asked only of a class that ``D``
sent ``least_sent`` or more bases to (fewer could never reach the odds): a clean run asks
``BASES`` per class, about.

The sign test alone is not enough (left44c): for a fixed ``D`` that is noise, ``+D`` and
``-D`` are not equally likely to send a base to ``t``, for any direction has some projection
on the direction the model reads ``t`` by, the same in every base; the sign test over bases
sees that projection (left44b's clean twin: odds 0.004 against a line of 0.0025).  So a class
the sign test gives is asked again with ``CONTROLS`` control patterns from the same null: the
images answered ``t`` (the unconfirmed ones less the shift, and the clean ones) pooled and
split at random into groups of the same sizes, their difference of means sent into the same
bases with ``+`` and ``-``.  The class is given only when ``D``'s lopsidedness (bases sent by
``D`` alone less those sent by ``-D`` alone) also stands beyond the controls' by a Student
``t`` prediction bound (``CONTROLS - 1`` degrees of freedom) at the same odds: a normal
reading of the permutation null, where ``D`` is one more random split of the pool.

The opinion is of the class: the images answered it are flagged (some may be clean images of
that class: they are not located).  A trojan with few poisoned images among the scanned ones
(fewer than ``MIN_GROUP`` answering its target) is not judged here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.control_odds import counted_odds, odds_words
from assay.backdoor.strip import STRIP_ODDS, _tail

__all__ = [
    "BASES",
    "MIN_GROUP",
    "PATTERN",
    "common_pattern",
    "most_queries",
    "pattern_not_asked",
    "pattern_skipped",
    "pattern_words",
    "spreads",
    "still_sends",
]

MIN_GROUP = 3  # unconfirmed (and clean) images answered a class, the fewest judged
BASES = 20  # clean images answered otherwise, asked with the pattern added (the screen)
SCREEN = 4  # a class whose pattern sent a quarter of them or more is judged on fresh ones:
CONFIRM = 60  # more clean images answered otherwise, asked with it added and taken away
CONTROLS = 8  # random splits of the images answered the class, asked as ``D`` was (the null)
PATTERN = "assay-common-pattern"  # its findings' ``strategy``

Labeller = Callable[[np.ndarray], np.ndarray]
"""Canonical images -> the model's classes (one query each)."""


def tested_classes(labels: np.ndarray, left: list[int], clean_labels: np.ndarray) -> list[int]:
    """The classes ``MIN_GROUP`` or more of the unconfirmed images (``left``) and of the
    clean images were answered, some clean image answered otherwise, and the unconfirmed
    images answered more often than the clean images' share of it makes as likely as not
    (a trigger sends images to its class: hostile44b's 16 of 40 against 18 of 200 clean)."""
    ours = np.asarray(labels, dtype=np.int64)[np.asarray(left, dtype=np.int64)]
    out = []
    for c in np.unique(ours).tolist():
        n_clean, n_ours = int(np.sum(clean_labels == c)), int(np.sum(ours == c))
        if n_ours < MIN_GROUP or n_clean < MIN_GROUP or n_clean == len(clean_labels):
            continue
        if _tail(n_ours, len(ours), n_clean / len(clean_labels)) < 0.5:
            out.append(int(c))
    return out


def most_queries(labels: np.ndarray, left: list[int], clean_labels: np.ndarray) -> int:
    """The most queries ``common_pattern`` asks on these images."""
    return (BASES + 2 * CONFIRM * (1 + CONTROLS)) * len(tested_classes(labels, left, clean_labels))


def pattern_skipped(left: int, needs: int) -> dict[str, Any]:
    """The check's record when the query budget ``left`` is short of its ``needs``."""
    return {
        "skipped": f"the query budget left {max(0, left):,} of the {needs:,} it needs",
        "short": needs - max(0, left),
    }


def pattern_not_asked(record: dict[str, Any] | None) -> str | None:
    """Why a run whose budget left no room for the check has not passed (``None``: asked, or
    not needed): nothing else looks for a blend STRIP's superimposing washes out."""
    if not record or "short" not in record:
        return None
    return (
        f"the common-pattern check was not asked ({record['skipped']}), so a trigger blended "
        "faintly over the whole image, which neither the patch scan nor STRIP's second opinion "
        f"finds, was not looked for; raise --max-queries by {int(record['short']):,} or more "
        "and run it again, or give --no-second-opinion to pass on patch triggers alone"
    )


def still_sends(
    d: np.ndarray, c: int, bases: np.ndarray, answers: Labeller
) -> tuple[int, int, float]:
    """``D`` added to and taken from ``bases`` (clean images answered otherwise): how many it
    alone sends to ``c``, how many its negative alone does, and the odds of so many for a
    pattern no more of ``c`` than its negative."""
    plus = answers(np.clip(bases + d, 0.0, 1.0)) == c
    minus = answers(np.clip(bases - d, 0.0, 1.0)) == c
    only_plus, only_minus = int(np.sum(plus & ~minus)), int(np.sum(minus & ~plus))
    return only_plus, only_minus, _sign_odds(only_plus, only_plus + only_minus)


def _t_tail(t: float, df: int) -> float:
    """P(T >= t) for T Student's t with ``df`` degrees of freedom: half the
    regularised incomplete beta I_z(df / 2, 1 / 2) at z = df / (df + t^2), by Simpson's rule
    (the integrand is smooth on [0, z] for df >= 2); at ``df`` 1 (two controls) Cauchy's
    exact 1/2 - atan(t)/pi, where the integrand is unbounded at 0 (mutation47b: it raised
    ``math domain error``).  Fewer than two controls give no spread: refused."""
    if df < 1:
        raise ValueError(
            f"a Student t tail needs 1 degree of freedom or more (two controls), not {df}"
        )
    if t < 0.0:  # (by symmetry)
        return 1.0 - _t_tail(-t, df)
    if t == 0.0:  # (z = 1: the integrand's 1 / sqrt(1 - x) is unbounded there)
        return 0.5
    if df == 1:
        return 0.5 - math.atan(t) / math.pi
    a, z, n = df / 2.0, df / (df + t * t), 400
    h = z / n
    f = [math.pow(h * i, a - 1) / math.sqrt(1.0 - h * i) for i in range(n + 1)]
    area = h / 3 * (f[0] + f[n] + 4 * sum(f[1:n:2]) + 2 * sum(f[2:n:2]))
    beta = math.exp(math.lgamma(a) + math.lgamma(0.5) - math.lgamma(a + 0.5))
    return min(0.5, 0.5 * area / beta)


def beyond_controls(lopsided: int, controls: list[int], n: int) -> float:
    """The odds of a count (or a lopsidedness) ``lopsided`` or more, on ``n`` images, for a
    pattern from the null the ``controls`` (the same count of patterns from it) are drawn
    from: a Student ``t`` prediction bound whose spread is at least a count's on ``n`` images.
    Controls that all gave the same (none moved an image) are no proof that one image more is
    beyond them: without that floor their spread was nil and the odds 0 ("odds 0 for clean
    images" beside eight controls, audit46b), where no eight controls can say less than one
    in nine."""
    m = float(np.mean(controls))
    if lopsided <= m:
        return 1.0
    sd = max(spreads(controls, n))
    return _t_tail((lopsided - m) / sd, len(controls) - 1)


def spreads(controls: list[int], n: int) -> tuple[float, float]:
    """``beyond_controls``'s two spreads: the controls' own (as a prediction's), and a
    count's on ``n`` images at their mean rate (its floor; the larger is the bound's)."""
    m = float(np.mean(controls))
    p = (abs(m) + 0.5) / (n + 1.0)
    spread = float(np.std(controls, ddof=1)) * math.sqrt(1.0 + 1.0 / len(controls))
    return spread, math.sqrt(n * p * (1.0 - p))


def controls(scanned: np.ndarray, clean: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """``CONTROLS`` patterns from the null: the images answered a class (``scanned`` less the
    scanned images' shift, and ``clean``) pooled, split at random into groups of their sizes,
    the difference of the groups' means."""
    pool, n = np.concatenate([scanned, clean]), len(scanned)
    out = []
    for _ in range(CONTROLS):
        order = rng.permutation(len(pool))
        out.append(pool[order[:n]].mean(axis=0) - pool[order[n:]].mean(axis=0))
    return out


def _sign_odds(k: int, n: int) -> float:
    """P(X >= k) for X binomial (n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n if n else 1.0


def _mean_of(images: np.ndarray, where: np.ndarray) -> np.ndarray:
    mean: np.ndarray = images[where].mean(axis=0)
    return mean


def _shift(images: np.ndarray, clean: np.ndarray) -> np.ndarray:
    """The shift of every scanned image's mean colour from the clean images' (a camera's
    brightness or cast)."""
    out: np.ndarray = images.mean(axis=tuple(range(images.ndim - 1))) - clean.mean(
        axis=tuple(range(clean.ndim - 1))
    )
    return out


def difference(
    images: np.ndarray, ours: np.ndarray, clean: np.ndarray, clean_labels: np.ndarray, c: int
) -> np.ndarray:
    """``D`` for class ``c`` (``ours``: the unconfirmed images' classes, in order): the mean
    of the unconfirmed images answered ``c`` less the clean ones', less the shift of every
    scanned image's mean colour from the clean images' (``_shift``)."""
    shift = _shift(images, clean)
    d: np.ndarray = _mean_of(images, ours == c) - _mean_of(clean, clean_labels == c) - shift
    return d


def common_pattern(
    images: np.ndarray,
    labels: np.ndarray,
    left: list[int],
    clean: np.ndarray,
    clean_labels: np.ndarray,
    answers: Labeller,
    rng: np.random.Generator,
    queries: Callable[[], int],
) -> dict[str, Any]:
    """The check on the images ``left`` unconfirmed (indices into ``images``, whose classes
    are ``labels``), against ``clean`` (classes ``clean_labels``)."""
    q0 = queries()
    idx = np.asarray(left, dtype=np.int64)
    ours = np.asarray(labels, dtype=np.int64)[idx]
    scanned = images[idx]
    classes = tested_classes(labels, left, clean_labels)
    per_class: dict[str, dict[str, Any]] = {}
    given: list[int] = []
    patterns: dict[int, np.ndarray] = {}
    for c in classes:
        d = difference(scanned, ours, clean, clean_labels, c)
        others = rng.permutation(np.flatnonzero(clean_labels != c))
        screen, fresh = clean[np.sort(others[:BASES])], clean[np.sort(others[BASES:][:CONFIRM])]
        sent = int(np.sum(answers(np.clip(screen + d, 0.0, 1.0)) == c))
        row: dict[str, Any] = {"images": int(np.sum(ours == c)), "bases": len(screen)}
        row["sent"] = sent
        if sent * SCREEN >= len(screen) and len(fresh):
            only_plus, only_minus, odds = still_sends(d, c, fresh, answers)
            row.update(fresh=len(fresh), only=only_plus, only_back=only_minus, odds=odds)
            line = STRIP_ODDS / len(classes)
            if odds < line:  # (and beyond patterns of the same null, ``beyond_controls``)
                null = controls(
                    scanned[ours == c] - _shift(scanned, clean), clean[clean_labels == c], rng
                )
                sides = [still_sends(d0, c, fresh, answers)[:2] for d0 in null]
                row["controls"] = [p - m for p, m in sides]
                row["t_bound"] = beyond_controls(
                    only_plus - only_minus, row["controls"], len(fresh)
                )
                row["counted_odds"] = counted_odds(only_plus - only_minus, row["controls"])
                row["odds"] = odds = max(odds, row["t_bound"])
                if odds < line:
                    given.append(c)
                    patterns[c] = d
        per_class[str(c)] = row
    flagged = sorted(
        int(i) for i, lab in zip(idx.tolist(), ours.tolist(), strict=True) if lab in given
    )
    return {
        "given": bool(given),
        "classes": given,
        "tested": len(classes),
        "bases": BASES,
        "per_class": per_class,
        "flagged": flagged,
        "queries": queries() - q0,
        "patterns": patterns,  # (each given class's ``D``: not stored with the summary)
    }


def pattern_words(record: dict[str, Any] | None, name: Callable[[int], str] = str) -> str:
    """The headline's words for the check ("" when it was not asked)."""
    if not record:
        return ""
    if record.get("skipped"):
        return f"; the common-pattern check not asked ({record['skipped']})"
    q = int(record.get("queries") or 0)
    if not record["given"]:
        return (
            f"; the common-pattern check ({record['tested']} classes, {q:,} queries): no class's "
            "unconfirmed images share a pattern that sends clean images to it"
        )
    parts = []
    for c in record["classes"]:
        row = record["per_class"][str(c)]
        null = row.get("controls")  # (none in a run stored before left44c)
        # (the odds the controls' count supports beside their t bound: ``odds_words``)
        odds = (
            f"{len(null)} random splits of the images answered {name(c)} at most {max(null):+d}: "
            + odds_words(row["only"] - row["only_back"], null, row.get("t_bound", row["odds"]))
            + (
                f"; the sign test's odds {row['odds']:.1g}"
                if row.get("t_bound", row["odds"]) < row["odds"]
                else ""
            )
            if null
            else f"odds {row['odds']:.1g} for clean images"
        )
        parts.append(
            f"the {row['images']} images answered {name(c)} share a pattern that sends "
            f"{row['only']} of {row['fresh']} clean images there that its negative does not "
            f"(the negative {row['only_back']} that it does not; {odds})"
        )
    return (
        f"; NOT CLEAN by the common-pattern check ({q:,} queries): "
        + "; ".join(parts)
        + ": a trigger blended over the whole image is likely; the images are not located "
        "(some may be clean images of that class)"
    )
