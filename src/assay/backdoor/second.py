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

from assay.backdoor.class_map import map_words, windows_not_asked
from assay.backdoor.common_pattern import pattern_not_asked, pattern_words
from assay.backdoor.source_class import source_words
from assay.backdoor.strip import (
    STRIP_ODDS,
    STRIP_WIDE,
    Scorer,
    _tail,
    blend_entropy,
    blend_picks,
)
from assay.errors import UsageError

__all__ = [
    "BLENDS",
    "CALIBRATION",
    "OPINION",
    "SAMPLE",
    "describe",
    "not_asked",
    "refuse_unused_opinion",
    "second_opinion",
    "skipped_for_budget",
    "unconfirmed",
]

BLENDS = 8  # blends per image (STRIP's own default is 20: this is a screen of the run)
CALIBRATION = 40  # clean images whose blends set the line
SAMPLE = 32  # unconfirmed images blended first
LEAST = 3  # the fewest low images an opinion is given on
OPINION = "assay-second-opinion"  # its findings' ``strategy`` (``assay verify`` reads it)


def unconfirmed(rows: list[dict[str, Any]]) -> list[int]:
    """The images the scan decided and did not flag (an image its budget left undecided, or
    not verified, was not tested: already said so)."""
    return [int(r["image"]) for r in rows if not r["poisoned"] and r.get("status") == "done"]


def cost(n_unconfirmed: int, n_calibration: int, sample: int = SAMPLE) -> int:
    """The queries the opinion asks before it is given (at most); with ``sample`` the number
    of unconfirmed images, when given."""
    return (min(CALIBRATION, n_calibration) + min(sample, n_unconfirmed)) * BLENDS


def refuse_unused_opinion(options: dict[str, Any]) -> None:
    """``second_opinion=False`` where no opinion is asked (Neo, STRIP, the model scan) is
    refused, as the command line refuses ``--no-second-opinion`` there: it was ignored."""
    if options.get("second_opinion", True) is not False:
        return
    strategy = options.get("strategy", "assay")
    if options.get("images") is None or options.get("images") is False:
        why = "the model scan (no images) asks none"
    elif strategy != "assay":
        why = f"this run's strategy is {strategy!r}, which asks none"
    else:
        return
    raise UsageError(
        "second_opinion=False turns off the default scan's STRIP second opinion on the images "
        f"it did not confirm; {why}: drop second_opinion, or give strategy='assay' with images",
        argument="second_opinion",
    )


def skipped_for_budget(left: int, needs: int, whole: int) -> dict[str, Any]:
    """The opinion's record when the query budget ``left`` is short of the ``needs`` of the
    screen (and of the images asked again after it); ``whole``: what it needs when it is
    given and blends every unconfirmed image (the advice: raising the budget by less left a
    given opinion cut short by the budget, its words lost)."""
    return {
        "skipped": f"the query budget left {left:,} of the {needs:,} it needs",
        "short": whole - left,
    }


def not_asked(opinion: dict[str, Any] | None) -> str | None:
    """Why a run whose budget left no room for the opinion has not passed (``None``: it was
    asked, or turned off, or not needed): the patch scan does not find a trigger blended over
    the whole image, and nothing else looked for one, so "0 images carry a confirmed trigger"
    is no pass for those (``summary.incomplete_reason``: exit 2, NOT EVERYTHING WAS TESTED, as
    for images a budget left unscanned).  bd41's hostile41b blended CNN under
    ``--max-queries`` 2,500: "0 of 40", exit 0 before."""
    if opinion and "short" not in opinion:
        return pattern_not_asked(opinion.get("pattern")) or windows_not_asked(opinion)
    if not opinion:
        return None
    return (
        f"STRIP's second opinion was not asked ({opinion['skipped']}), so a trigger that is "
        "not a patch (a blend over the whole image, a long line), which the patch scan does "
        f"not find, was not looked for; raise --max-queries by {int(opinion['short']):,} or "
        "more and run it again, or give --no-second-opinion to pass on patch triggers alone"
    )


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
    room: int | None = None,
) -> dict[str, Any]:
    """The opinion on the images ``left`` unconfirmed (indices into ``images``, whose classes
    are ``labels``): blended with ``clean[pool]``, their entropies against those of
    ``clean[calibration]``'s blends (some of each class: ``by_class``).  An image counts only
    when some of those are of its class (``judged_classes``)."""
    q0 = queries()
    calib = by_class(calibration, clean_labels)
    c_picks = picks(rng, len(calib), len(pool))
    ec = blend_entropy(clean[calib], scores, clean[pool], rng, picks=c_picks)
    median = float(np.median(ec))
    line = STRIP_WIDE * median
    order = rng.permutation(np.asarray(left, dtype=np.int64))
    sample, rest = np.sort(order[:SAMPLE]), np.sort(order[SAMPLE:])
    drawn = dict(zip(sample.tolist(), picks(rng, len(sample), len(pool)), strict=True))
    es = blend_entropy(images[sample], scores, clean[pool], rng, picks=_rows(drawn, sample))
    told = judged_classes(clean_labels[calib])
    judged = np.asarray([int(labels[i]) in told for i in sample.tolist()], dtype=bool)
    low = int(np.sum((es < line) & judged))
    clean_low = int(np.sum(ec < line))
    share = (clean_low + 1) / (len(ec) + 1)
    odds = _tail(low, int(judged.sum()), share) if low else 1.0
    given = line > 0 and low >= LEAST and odds < STRIP_ODDS
    entropy = dict(zip(sample.tolist(), es.tolist(), strict=True))
    unblended = 0
    if given and len(rest):
        drawn.update(zip(rest.tolist(), picks(rng, len(rest), len(pool)), strict=True))
        if room is not None and room < len(rest) * BLENDS:  # (what the budget leaves)
            unblended = len(rest) - max(0, room) // BLENDS
            rest = rest[: len(rest) - unblended]
        if len(rest):  # (room for no image's blends: no call of 0 inputs, mutation43)
            er = blend_entropy(images[rest], scores, clean[pool], rng, picks=_rows(drawn, rest))
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
        "unblended": unblended,  # (given: the unconfirmed images its budget left unblended)
        "judged_classes": sorted(told),
        "flagged": flagged,
        "entropy": {str(i): round(float(e), 6) for i, e in sorted(entropy.items())},
        "queries": queries() - q0,
        # the blends asked (``assay verify`` asks the same: ``replay._opinion``), not stored
        # with the summary: the calibration's, and each flagged image's (its finding's column)
        "calibration": [int(i) for i in calib],
        "calibration_blends": c_picks,
        "blends_of": {i: drawn[i] for i in flagged},
    }


def picks(rng: np.random.Generator, n: int, n_pool: int) -> np.ndarray:
    """The pool images ``n`` images are each blended with: ``BLENDS`` distinct ones
    (``strip.blend_picks``, as STRIP's own scan draws them; the calibration images alike, so
    the line is set on blends drawn as the judged images' are).  Drawn with replacement, 8
    blends from the quick bench's pool of 75 were 7.6 distinct images, a repeat answered from
    the cache: fewer blends than "8 blends" says (left47b)."""
    return blend_picks(rng, n, n_pool, BLENDS)


def _rows(drawn: dict[int, np.ndarray], idx: np.ndarray) -> np.ndarray:
    return np.stack([drawn[i] for i in idx.tolist()]) if len(idx) else np.zeros((0, BLENDS), int)


def describe(opinion: dict[str, Any] | None, name: Callable[[int], str] = str) -> str:
    """The headline's words for the opinion ("" when none was asked; ``name``: a class's
    name, for the common-pattern check's words).  Its queries are said beside it: the
    headline's "queries per unflagged image" are the images' own scans'."""
    if not opinion:
        return ""
    if "units" in opinion:  # (a run split into units: ``second_view.merge_opinions``)
        from assay.backdoor.second_view import describe_units

        return describe_units(opinion, name)
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
            f"; STRIP's second opinion on {sampled} unconfirmed images{_drawn_from(opinion)}"
            f"{cost_words(opinion)}: "
            f"{low} keep one answer under blending ({where}): nothing more than clean images "
            "show"
            + pattern_words(opinion.get("pattern"), name)
            + map_words(opinion.get("map"))
            + source_words(opinion.get("source"), name)
        )
    flagged = len(opinion["flagged"])
    return (
        f"; NOT CLEAN by STRIP's second opinion{cost_words(opinion)}: {flagged} of the "
        f"{opinion['unconfirmed']} images the patch scan did not confirm keep one answer under "
        f"blending ({where}; {low} of {sampled} sampled, odds {opinion['odds']:.1g} for clean "
        "images): a trigger that is not a patch (a blend over the whole image, a long line) "
        "is likely; they are not located (--strategy strip scores each image)"
        + unblended_words(opinion)
    )


def unblended_words(opinion: dict[str, Any]) -> str:
    """The words for unconfirmed images a given opinion's budget left unblended."""
    n = int(opinion.get("unblended") or 0)
    if not n:
        return ""
    return (
        f"; {n} of the {opinion['unconfirmed']} unconfirmed images were not blended (the "
        "query budget ran short: raise --max-queries to judge them)"
    )


def _drawn_from(opinion: dict[str, Any]) -> str:
    """``, drawn from the 9,000``: how many unconfirmed images the sample judged was drawn
    from, where it is not all of them (a 10,000-image run said "on 31 unconfirmed images"
    of its 9,000 unconfirmed, read as 31 left unconfirmed, hostile53d)."""
    n, sampled = opinion.get("unconfirmed"), opinion.get("sampled")
    if not isinstance(n, int) or not isinstance(sampled, int) or sampled >= n:
        return ""
    return f", drawn from the {n:,}"


def cost_words(opinion: dict[str, Any]) -> str:
    """`` (576 queries, 14.4 more per unflagged image)``: the opinion's queries, which the
    headline's "queries per unflagged image" (the images' own scans) do not count."""
    q, n = opinion.get("queries"), opinion.get("unconfirmed")
    if not isinstance(q, int) or not n:
        return ""
    return f" ({q:,} queries, {q / n:.1f} more per unflagged image)"
