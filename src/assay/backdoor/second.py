"""STRIP's second opinion on the images the default scan did not confirm.

The default input scan looks for patches: a trigger mixed into the whole image (a blend) or a
long thin line has no patch whose occlusion moves the answer and whose paste moves clean
images, and the scan said "0 of 40 images carry a confirmed trigger" (exit 0) on a CNN whose
20 blended images STRIP flagged (bench/RESULTS.md, hostile41b).  Once the scan is over, a
sample of the images it left unconfirmed are blended with clean images (``strip``): a
poisoned image keeps one answer under nearly every blend.  The opinion is of the run, not of
an image: it is given only when more of the sampled images keep one answer (entropy under
``STRIP_WIDE`` of the clean images' median) than clean images would leave there (fewer than
``STRIP_ODDS`` odds, as ``strip.low_unflagged`` reads them), so a clean model's few
blend-steady images do not make a false flag.  Then every unconfirmed image is blended and
those under the line are findings (``strip-flag``): the run is not a pass.

Its cost is fixed per run (``CALIBRATION`` clean images and ``SAMPLE`` images, ``BLENDS``
blends each), not per image; the rest of the unconfirmed images are blended only when the
opinion is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.strip import STRIP_ODDS, STRIP_WIDE, Scorer, _tail, blend_entropy

__all__ = ["BLENDS", "CALIBRATION", "SAMPLE", "describe", "second_opinion", "unconfirmed"]

BLENDS = 8  # blends per image (STRIP's own default is 20: this is a screen of the run)
CALIBRATION = 40  # clean images whose blends set the line
SAMPLE = 32  # unconfirmed images blended first
LEAST = 3  # the fewest low images an opinion is given on


def unconfirmed(rows: list[dict[str, Any]]) -> list[int]:
    """The images the scan decided and did not flag (an image its budget left undecided, or
    not verified, was not tested: already said so)."""
    return [int(r["image"]) for r in rows if not r["poisoned"] and r.get("status") == "done"]


def cost(n_unconfirmed: int, n_calibration: int) -> int:
    """The queries the opinion asks before it is given (at most)."""
    return (min(CALIBRATION, n_calibration) + min(SAMPLE, n_unconfirmed)) * BLENDS


def by_class(calibration: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``CALIBRATION`` of the ``calibration`` indices, taken in turn from each class the model
    gave them (``labels``: every clean image's class), so that every class has some."""
    groups = [list(calibration[labels[calibration] == c]) for c in np.unique(labels[calibration])]
    out: list[int] = []
    while len(out) < min(CALIBRATION, len(calibration)):
        for g in groups:
            if g and len(out) < CALIBRATION:
                out.append(int(g.pop(0)))
    return np.asarray(out, dtype=np.int64)


def judged_classes(classes: np.ndarray) -> set[int]:
    """The classes ``LEAST - 1`` or more of the clean images blended are in.  An image of
    another class is not judged: images brighter than every clean one, read by a model of
    brightness, keep their class under every blend (superimposing adds light) with no clean
    image of that class to show it, and were flagged.  (A class's clean images are not asked
    to be unsteady themselves: a blended trojan's target class is steady too, its clean
    images blended fire the trigger.)"""
    values, counts = np.unique(classes, return_counts=True)
    return {int(c) for c, n in zip(values.tolist(), counts.tolist(), strict=True) if n >= LEAST - 1}


def second_opinion(
    images: np.ndarray,
    labels: np.ndarray,
    left: list[int],
    clean: np.ndarray,
    clean_labels: np.ndarray,
    pool: np.ndarray,
    calibration: np.ndarray,
    scores: Scorer,
    rng: np.random.Generator,
    queries: Callable[[], int],
) -> dict[str, Any]:
    """The opinion on the images ``left`` unconfirmed (indices into ``images``, whose classes
    are ``labels``): blended with ``clean[pool]``, their entropies against those of
    ``clean[calibration]``'s blends (some of each class: ``by_class``).  An image counts only
    when some of those are of its class (``judged_classes``)."""
    q0 = queries()
    calib = by_class(calibration, clean_labels)
    ec = blend_entropy(clean[calib], scores, clean[pool], rng, BLENDS)
    median = float(np.median(ec))
    line = STRIP_WIDE * median
    order = rng.permutation(np.asarray(left, dtype=np.int64))
    sample, rest = np.sort(order[:SAMPLE]), np.sort(order[SAMPLE:])
    es = blend_entropy(images[sample], scores, clean[pool], rng, BLENDS)
    told = judged_classes(clean_labels[calib])
    judged = np.asarray([int(labels[i]) in told for i in sample.tolist()], dtype=bool)
    low = int(np.sum((es < line) & judged))
    clean_low = int(np.sum(ec < line))
    share = (clean_low + 1) / (len(ec) + 1)
    odds = _tail(low, int(judged.sum()), share) if low else 1.0
    given = line > 0 and low >= LEAST and odds < STRIP_ODDS
    entropy = dict(zip(sample.tolist(), es.tolist(), strict=True))
    if given and len(rest):
        er = blend_entropy(images[rest], scores, clean[pool], rng, BLENDS)
        entropy.update(zip(rest.tolist(), er.tolist(), strict=True))
    flagged = (
        sorted(i for i, e in entropy.items() if e < line and int(labels[i]) in told)
        if given
        else []
    )
    return {
        "given": bool(given),
        "blends": BLENDS,
        "line": round(line, 6),
        "clean_median": round(median, 6),
        "clean_low": clean_low,
        "clean": len(ec),
        "sampled": int(judged.sum()),
        "low": low,
        "odds": float(odds),
        "unconfirmed": len(left),
        "judged_classes": sorted(told),
        "flagged": flagged,
        "entropy": {str(i): round(float(e), 6) for i, e in sorted(entropy.items())},
        "queries": queries() - q0,
    }


def describe(opinion: dict[str, Any] | None) -> str:
    """The headline's words for the opinion ("" when none was asked)."""
    if not opinion:
        return ""
    if opinion.get("skipped"):
        return f"; STRIP's second opinion not asked ({opinion['skipped']})"
    low, sampled = opinion["low"], opinion["sampled"]
    c_low, n_clean = opinion["clean_low"], opinion["clean"]
    where = (
        f"entropy under {opinion['line']:.3f} bits, a fifth of the clean images' median; "
        f"{c_low} of {n_clean} clean images are"
    )
    if not opinion["given"]:
        return (
            f"; STRIP's second opinion on {sampled} unconfirmed images: {low} keep one answer "
            f"under blending ({where}): nothing more than clean images show"
        )
    flagged = len(opinion["flagged"])
    return (
        f"; NOT CLEAN by STRIP's second opinion: {flagged} of the {opinion['unconfirmed']} "
        f"images the patch scan did not confirm keep one answer under blending ({where}; "
        f"{low} of {sampled} sampled, odds {opinion['odds']:.1g} for clean images): a "
        "trigger that is not a patch (a blend over the whole image, a long line) is likely; "
        "they are not located (--strategy strip scores each image)"
    )
