"""The report content of a backdoor run: headline, metrics, per-image table, trigger gallery,
model verdict (JSON data; the HTML gallery is drawn by ``assay.report.backdoor_html``)."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from hashlib import blake2b
from typing import Any

import numpy as np

from assay.backdoor.again import AGAIN, asked_figures, stuck_reason
from assay.backdoor.carried import carry_words
from assay.backdoor.changed import changed_during_scan
from assay.backdoor.inputscan import NATURAL_SOURCES
from assay.backdoor.modelscan import anomaly_index, scan_sizes
from assay.backdoor.patches import paste
from assay.backdoor.run_rates import (
    IN_ALL,
    KNOWN_QUERIES,
    OWN,
    SCAN_QUERIES,
    UNFLAGGED_QUERIES,
    in_all_clause,
)
from assay.backdoor.scope import MODEL_SCAN_NOT, input_scope, model_looked_for
from assay.backdoor.second import describe, not_asked
from assay.backdoor.second_view import mark_rows, opinion_metrics
from assay.backdoor.source_class import source_undecided
from assay.backdoor.strip import STRIP_LOW, STRIP_WIDE, low_cluster, low_unflagged

__all__ = ["summarise", "to_pixels"]

# clean images of a confirmed trigger's class below which its check against the class's own
# features (``inputscan._natural``, five sources) is said to rest on weak evidence
WEAK_HOLDERS = 5

MAX_GALLERY = 12
ROWS_KEPT = 5_000
# the rate one STRIP threshold's own false positives stay under (``strip.strip_bound``)
# a model scan's pass with a class cleared: clearing is no proof (the bench's figures, issue
# 10: the built-in trojan's class 7 was cleared so, exit 0; left46b)
CLEARED_NOTE = (
    " (a class cleared so may still be a trigger's target: the model scan named 7 of 18 planted "
    "triggers' targets on the bench's 8x8 digits MLPs, 16 of 18 at 16x16, and clean models' "
    "classes reach such indices too)"
)
STRIP_BOUND_KEY = "false-positive rate of the threshold, 95 % upper bound (this threshold's own)"
"""A summary keeps every image's row up to this many images scanned; past it, the flagged
images' rows only (each is also a finding), so a scan of a million images does not write a
million rows into the store and the JSON report."""


def to_pixels(image: np.ndarray) -> list[Any]:
    """A canonical (H, W, C) image as nested lists of 0..255 integers."""
    out: list[Any] = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8).tolist()
    return out


def _box_text(box: Any) -> str:
    t, left, h, w = box
    return f"{h}x{w} at (row {t}, col {left})"


def _namer(search: Any) -> Any:
    """Class index -> the model's own class name ('seven', not 5) when it has names."""
    caps = getattr(search, "caps", None)
    names = getattr(caps, "class_names", None)

    def name(k: Any) -> Any:
        if names and isinstance(k, int | np.integer) and 0 <= int(k) < len(names):
            return str(names[int(k)])
        return k

    return name


_CLASS_COLUMNS = ("prediction", "true_label", "target", "corrected")


def summarise(search: Any) -> dict[str, Any]:
    t = search.test
    summary = _model_summary(search) if t.mode == "model" else _input_summary(search)
    second = getattr(search, "second", None)
    if second is None and getattr(search, "phase", None) == "second":  # (ended before it)
        second = {"skipped": "the run ended before it"}
    if second and isinstance(summary.get("headline"), str):  # (``second``'s own words)
        summary["headline"] += describe(second, lambda k: str(_namer(search)(k)))
        summary["second_opinion"] = second
        if isinstance(summary.get("metrics"), dict) and "queries" in second:
            summary["metrics"].update(opinion_metrics(second))
    if t.mode != "model":
        input_scope(
            summary, list(getattr(search, "rows", None) or []), getattr(t, "strategy", "assay")
        )
    names = getattr(getattr(search, "caps", None), "class_names", None)
    if names:  # (rows, triggers and findings hold class indices: these are their names)
        summary["class_names"] = [str(n) for n in names]
    why = (
        _one_class(search, summary)
        or changed_during_scan(search, summary, _namer(search))
        or stuck_reason(_asked_again(search), _namer(search), "scan")
        or _strip_cannot_flag(search, summary)
        or _unverifiable(search, summary)
    )
    asked = asked_figures(_asked_again(search))
    if asked:
        summary["asked_again"] = asked  # (judged with the determinism check: ``steadiness``)
    one = _one_clean_class(search)
    if one and isinstance(summary.get("headline"), str):
        summary["headline"] += f"; WARNING: {one}"
        summary["warnings"] = [*(summary.get("warnings") or []), one]
    if why:
        summary["untested_reason"] = why
    else:
        part = _not_reached(search, summary)
        if not part and one and not any(r.get("poisoned") for r in search.rows or []):
            part = one  # (nothing flagged on one class's images: not a pass either)
        if part:  # (read by ``core.outcome.not_a_pass``: exit 2, never a pass)
            summary["incomplete_reason"] = part
    return summary


def _one_clean_class(search: Any) -> str | None:
    """What an input scan (pasting triggers on clean images: not STRIP) cannot tell when the
    model puts every clean image in one class: each trigger is confirmed on that class's
    images alone, where a piece of another class's own images that turns them into it
    passes as well (bd36b: 10 of 40 clean digits flagged with clean 0s).  Not for a model
    of two classes: the one class is every class a trigger's images come from."""
    t = search.test
    labels = getattr(search, "clean_labels", None)
    if t.mode != "inputs" or getattr(t, "strategy", "assay") == "strip" or labels is None:
        return None
    caps = getattr(search, "caps", None)
    n_classes = getattr(caps, "n_classes", None) if caps else getattr(search, "n_classes", None)
    if n_classes is not None and n_classes <= 2:  # (one class is every other class there)
        return None
    classes = np.unique(np.asarray(labels))
    if len(classes) != 1 or not len(labels):
        return None
    c = _namer(search)(int(classes[0]))
    return (
        f"the model puts all {len(labels):,} clean images in one class ({c}): every trigger "
        f"is confirmed by pasting it on images of class {c} alone, which cannot tell a "
        f"trigger from a piece of another class's own images that turns {c}s into that "
        "class (the images scanned of other classes stand in where there are 5: they are "
        "not clean images), nor test images of that class; give clean images of several "
        "classes (--clean)"
    )


def _asked_again(search: Any) -> list[dict[str, Any] | None]:
    """The images asked again at the end (``again``): one record per unit of a campaign."""
    merged = getattr(search, "agains", None)
    return list(merged) if merged is not None else [getattr(search, "again", None)]


def _not_asked_again(search: Any) -> str | None:
    """Why a scan that ended after its last image or class has not passed all the same:
    its budget ran out before it asked the start's images again (``again``), so a model
    stuck on one class midway could not be told from a steady one."""
    if getattr(search, "phase", None) not in ("second", "again"):  # (``second`` is before it)
        return None
    remaining = getattr(getattr(search, "model", None), "remaining", None)
    left = remaining() if callable(remaining) else None
    why = (
        f"{left} {'query' if left == 1 else 'queries'} of its budget left"
        if isinstance(left, int) and left < AGAIN
        else _why_ended(search)
    )
    return (
        f"the scan ended before it asked {AGAIN} of the images it labelled at the start again "
        f"({why}), the check that tells a model that got stuck on one class "
        "midway from a steady one; raise --max-queries or --max-time and run it again"
    )


def _not_reached(search: Any, summary: dict[str, Any]) -> str | None:
    """Why a scan that found nothing has not passed all the same: it ended before images
    (or classes) it was given, which were never looked at.  A CI job that bounds the scan
    with ``--max-time`` must not read "no trigger" into the images it never reached."""
    rerun = "raise --max-time or --max-queries and run it again"
    if search.test.mode == "model":
        if (summary.get("verdict") or {}).get("suspects"):
            return None
        if search.phase in ("again", "done"):
            return _not_asked_again(search)
        total = getattr(getattr(search, "caps", None), "n_classes", None)
        scanned = int(summary.get("tested") or 0)
        of = f" of {total}" if total else ""
        return (
            f"the model scan stopped after {scanned}{of} classes ({_why_ended(search)}), and "
            f"a class not scanned may be a trigger's target; {rerun}"
        )
    from assay.backdoor.left_untested import left_untested
    from assay.backdoor.technique import MIN_CLEAN

    rows = getattr(search, "rows", []) or []
    left = left_untested(
        rows,
        max_queries_per_image=getattr(search.test, "max_queries_per_image", None),
        min_clean=MIN_CLEAN,
        clean_classes=_clean_classes(search),
    )
    missed = int((summary.get("metrics") or {}).get("images not reached") or 0)
    if not missed:
        return (
            _copies_of_one(search, summary, rows)
            or left
            or _shared(search, rows)
            or _pasted(search, rows)
            or _not_asked_again(search)
            # (a run that found a trigger fails whatever the opinion: its skip is said only)
            or (None if any(r.get("poisoned") for r in rows) else _opinion_not_asked(search))
        )
    given = _images_given(search.test)
    flagged = sum(bool(r.get("poisoned")) for r in rows)
    return (
        f"{missed:,} of {given:,} images were not reached ({_why_ended(search)}): of the "
        f"{given - missed:,} scanned, {flagged:,} carry a confirmed trigger, and an image "
        f"never scanned may too; {rerun}" + (f"; also, {left}" if left else "")
    )


def _opinion_not_asked(search: Any) -> str | None:
    second = getattr(search, "second", None)
    return not_asked(second) or source_undecided((second or {}).get("source"), _namer(search))


def _copies_of_one(search: Any, summary: dict[str, Any], rows: list[dict[str, Any]]) -> str | None:
    """Why a scan that flagged nothing in images that are mostly copies has not passed: it
    tested its distinct images only (a loader repeating images, one file given many times: 40
    copies of one scan read "0 of 40 images carry a confirmed trigger", exit 0, and 40 images
    of 2 distinct did too).  The rule: a pass is over the images given, so a scan where at
    least half of them are copies of others (``distinct * 2 <= n``) is not one; a set with a
    few copies among many distinct images passes, its headline saying how many differ."""
    n = int((summary.get("metrics") or {}).get("images scanned") or 0)
    if n < 2 or any(r.get("poisoned") for r in rows):
        return None
    distinct = _distinct(search, n)
    if distinct * 2 > n:
        return None
    if distinct == 1:
        return (
            f"the {n:,} images scanned are copies of one image, so one image was tested (a "
            "loader repeating one image, or one file given many times?); give the images to scan"
        )
    return (
        f"the {n:,} images scanned are {distinct:,} distinct images and {n - distinct:,} copies "
        f"of them, so {distinct:,} images were tested, not {n:,} (a loader repeating images, "
        "or files given many times?); give the images to scan (a pass asks that fewer than "
        "half of them be copies)"
    )


def _shared(search: Any, rows: list[dict[str, Any]]) -> str | None:
    """Why a scan that flagged nothing, from clean images that are also among the images
    scanned, has not passed (``overlap``)."""
    from assay.backdoor.overlap import shared_clean

    if any(r.get("poisoned") for r in rows):
        return None
    # the default scan: when its natural-feature check took a candidate for its class's own
    # feature (STRIP's threshold and Neo's verification images are the clean ones throughout)
    strategy = getattr(search.test, "strategy", "assay")
    if strategy == "assay" and not any(r.get("natural") for r in rows):
        return None
    shared = shared_clean(search)
    if not shared:
        return None
    return (
        f"{shared:,} of the {len(search.test.clean):,} clean images are also among the images "
        "scanned (the same images given to --images and --clean?): a clean image that "
        "carries a trigger makes it look like its class's own feature (and, for STRIP, sets "
        "the threshold under it), so a trigger in them could not be confirmed; give clean "
        "images that are not among those scanned"
    )


def _pasted(search: Any, rows: list[dict[str, Any]]) -> str | None:
    """Why a default scan that flagged nothing has not passed when its natural-feature check
    took the same pixels at the same box for a class's own feature in many images
    (``overlap.pasted_feature``)."""
    from assay.backdoor.overlap import pasted_feature

    images = getattr(search.test, "images", None)
    if images is None or any(r.get("poisoned") for r in rows):
        return None
    found = pasted_feature(rows, images)
    if found is None:
        return None
    box, count = found
    classes = sorted({r["prediction"] for r in rows if r.get("natural") == list(box)})
    name = _namer(search)
    return (
        f"{count:,} of the {len(rows):,} images scanned hold the same pixels in the "
        f"{_box_text(box)} box, and each time the scan took them for the own feature of class "
        f"{', '.join(str(name(c)) for c in classes)} (clean images of that class carry them): a "
        "class's feature is drawn differently in each image, a trigger is pasted the same on "
        "all; clean images drawn from a poisoned data set make a trigger look so: check that "
        "the clean images (--clean) are clean"
    )


def _one_class(search: Any, summary: dict[str, Any]) -> str | None:
    """Why nothing was tested when the model gave one class to every image it was asked
    (no occlusion, patch or blend could change its answer), and nothing was found."""
    answered = getattr(search, "answered", None)
    if answered is None or len(answered) != 1 or not summary.get("tested"):
        return None
    flagged = any(r.get("poisoned") for r in getattr(search, "rows", []) or [])
    if flagged or (summary.get("verdict") or {}).get("suspects"):
        return None
    return (
        f"the model gave the same class ({_namer(search)(answered[0])}) to every image it "
        "was asked, so no trigger could change its answer; check that it receives images in "
        "the shape, layout and value range it was trained on (--input-shape, --layout, "
        "--range)"
    )


def _clean_classes(search: Any) -> str:
    """The classes the model put the clean images in, with their counts ('7: 30, 3: 2')."""
    labels = getattr(search, "clean_labels", None)
    if labels is None or not len(labels):
        return "none"
    values, counts = np.unique(np.asarray(labels), return_counts=True)
    name = _namer(search)
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{name(int(values[k]))}: {int(counts[k])}" for k in order)


# clean images of several classes a model answers with one class are not the user's mistake
# but the model's inputs (a range, layout or shape it was not trained on): a model answering
# one class for everything was told only to give other clean images (hostile52b)
ONE_CLASS_INPUTS = (
    ", or, if they are, check that the model receives images in the shape, layout and value "
    "range it was trained on (--input-shape, --layout, --range)"
)


def _unverifiable(search: Any, summary: dict[str, Any]) -> str | None:
    """Why nothing was tested when the clean images cannot confirm a trigger: an input scan
    whose every image is of a class too few clean images are not in; a model scan from clean
    images the model puts in one class (it tells a trigger from a class's own features by
    how images of every other class reach it)."""
    t = search.test
    flagged = any(r.get("poisoned") for r in getattr(search, "rows", []) or [])
    if flagged or (summary.get("verdict") or {}).get("suspects"):
        return None
    from assay.backdoor.technique import MIN_CLEAN

    given = f"clean images per class the model gave them: {_clean_classes(search)}"
    if t.mode == "model":
        labels = getattr(search, "clean_labels", None)
        if labels is None or len(np.unique(labels)) > 1:
            return None
        return (
            f"the model puts every clean image in one class ({given}), and the model scan "
            "compares how clean images of the other classes reach each class; give clean "
            "images of several classes (--clean)" + ONE_CLASS_INPUTS
        )
    unverified = sum(r.get("status") == "unverified" for r in search.rows)
    undecided = sum(r.get("status") == "budget" for r in search.rows)
    if summary.get("tested") or not (unverified or undecided):
        return None
    if not unverified:  # every image scanned ran out of its own budget before a decision
        return (
            f"every image's own budget (--max-queries-per-image {t.max_queries_per_image}) "
            "ran out before its scan decided it; raise --max-queries-per-image"
        )
    answered = getattr(search, "answered", None)
    same = (
        f"the model gave the same class ({_namer(search)(answered[0])}) to every image it was "
        "asked (check that it receives images in the shape, layout and value range it was "
        "trained on: --input-shape, --layout, --range); "
        if answered is not None and len(answered) == 1
        else ""
    )
    return (
        f"{same}every image scanned is in a class that leaves fewer than {MIN_CLEAN} clean "
        f"images in other classes ({given}), and a trigger towards an image's class is "
        "confirmed by pasting it on clean images of other classes; give clean images of "
        "several classes (--clean)"
    )


# a STRIP threshold below this share of the clean images' median entropy is set by clean images
# that act as poisoned ones (30 poisoned digits among 230 clean: 7.9e-07 bits against a median
# of 0.496, 0 of 60 images flagged with 30 poisoned, exit 0; on clean images 0.19 bits)
STRIP_TINY = 0.01


def _strip_cannot_flag(search: Any, summary: dict[str, Any]) -> str | None:
    """Why a STRIP scan that flagged nothing tested nothing: the model puts every clean image
    in one class (every blend is of that class), or its threshold is 0 bits (the clean
    images' entropy at --fpr), and an image is flagged when its entropy is below it: none
    can be."""
    t = search.test
    threshold = getattr(search, "threshold", None)
    if t.strategy != "strip" or t.mode != "inputs" or threshold is None:
        return None
    if not summary.get("tested") or any(r.get("poisoned") for r in search.rows):
        return None
    labels = getattr(search, "clean_labels", None)
    if labels is not None and len(np.unique(labels)) == 1:
        # every blend is a clean image of one class superimposed: the model answers that
        # class for clean and poisoned images alike (on the digits, 7 of 369 poisoned images
        # flagged), and the threshold set on them flags almost nothing
        return (
            "the model puts every clean image in one class (clean images per class the model "
            f"gave them: {_clean_classes(search)}), and STRIP blends images with them: its "
            "blends are that class for any image, triggered or not; give clean images of "
            "several classes (--clean)" + ONE_CLASS_INPUTS
        )
    entropy = np.asarray(search.clean_entropy, dtype=np.float64)
    usual = float(np.median(entropy)) if len(entropy) else 0.0
    left = low_unflagged(entropy, threshold, _scanned_entropy(search))
    if left and threshold > 0 and threshold >= STRIP_TINY * usual:
        return _strip_left(search, left)
    if threshold > 0 and threshold >= STRIP_TINY * usual and not low_cluster(entropy, threshold):
        return None
    if threshold > 0:  # set by clean images that act as poisoned ones do under STRIP
        return (
            f"STRIP's threshold ({threshold:.2g} bits) was set by clean images that keep one "
            "answer under nearly every blend, unlike most of the clean images (median "
            f"{usual:.3f} bits): they act as poisoned images do under STRIP, and an image is "
            "flagged below them, so almost none can be; check that the clean images (--clean) "
            "are clean (a sample of poisoned data holds poisoned images"
            f"{_lowest_clean(search, max(threshold, STRIP_LOW * usual))}), or use --strategy "
            "assay"
        )
    zero = sum(1 for e in search.clean_entropy if e <= 0)
    return (
        f"STRIP's threshold is 0 bits ({zero} of the {len(search.clean_entropy)} clean images "
        "it was set on keep one answer under every blend), and an image is flagged when its "
        "entropy is below the threshold, so no image could be flagged; raise --blends or "
        "--fpr, give more varied clean images (--clean), or use --strategy assay"
    )


def _scanned_entropy(search: Any) -> list[float]:
    return [float(r["entropy"]) for r in search.rows if r.get("entropy") is not None]


def _strip_left(search: Any, left: int) -> str:
    """What ``strip.low_unflagged`` found, said."""
    entropy = getattr(search, "clean_entropy", None) or []
    usual = float(np.median(entropy))
    under = sum(1 for e in entropy if e < STRIP_WIDE * usual)
    return (
        f"{left} of the {len(_scanned_entropy(search))} images scanned keep nearly one answer "
        f"under its blends (entropy under {STRIP_WIDE:.0%} of the clean images' median, "
        f"{usual:.3f} bits, as {under} of the {len(entropy)} clean images it was calibrated "
        f"on do) and are not flagged: its threshold ({float(search.threshold or 0):.2g} bits) "
        "sits under them, set by the lowest clean images; if the clean images (--clean) hold "
        "poisoned ones (a sample of poisoned data does), poisoned images scanned go unflagged "
        f"so: check that they are clean{_lowest_clean(search, STRIP_WIDE * usual, ': ')}, or "
        "use --strategy assay"
    )


NAMED = 5  # clean images named in STRIP's caveats (as the source-class check's skip names)


def _lowest_clean(search: Any, below: float, lead: str = "; ", end: str = "") -> str:
    """The clean images STRIP was calibrated on whose entropy is under ``below``, lowest
    first, the first ``NAMED`` named as the user has them (their files when ``--clean`` was
    image files, else their places in it, counted from 0), for the caveats' "check that
    they are clean"; "" when none is."""
    t = search.test
    entropy = np.asarray(getattr(search, "clean_entropy", None) or [], dtype=np.float64)
    clean = getattr(t, "clean", None)
    if clean is None or not len(entropy):
        return ""
    calib = np.arange(len(clean))[max(1, len(clean) // 2) :]  # (the calibration half)
    order = [int(k) for k in np.argsort(entropy, kind="stable") if entropy[k] < below]
    if not order or len(calib) != len(entropy):
        return ""
    at = [int(calib[k]) for k in order[:NAMED]]
    names = getattr(t, "clean_names", None)
    index = list(getattr(t, "clean_index", None) or [])
    shown = (
        [str(names[i]) for i in at]
        if names is not None
        else [str(index[i] if index else i) for i in at]
    )
    more = " ..." if len(order) > NAMED else ""
    counted = "" if names is not None else "; counted from 0"
    return (
        f"{lead}the {len(order)} under {below:.2g} bits, lowest first: "
        f"{', '.join(shown)}{more}{counted}{end}"
    )


def _strip_cluster(search: Any) -> str:
    """A caveat when clean images STRIP was calibrated on keep one answer under nearly every
    blend, as poisoned ones do, and set its threshold among them (``strip.low_cluster``), or
    when many scanned images it did not flag do too (``strip.low_unflagged``)."""
    entropy = getattr(search, "clean_entropy", None) or []
    count = low_cluster(entropy, float(search.threshold or 0.0))
    if not count:
        left = low_unflagged(entropy, float(search.threshold or 0.0), _scanned_entropy(search))
        return f"; caveat: {_strip_left(search, left)}" if left else ""
    return (
        f"; caveat: {count} of the {len(entropy)} clean images it was calibrated on keep one "
        "answer under nearly every blend (entropy under 5 % of their median, "
        f"{float(np.median(entropy)):.3f} bits), as poisoned images do, and set the threshold "
        "among them: if the clean images (--clean) hold poisoned ones, poisoned images scanned "
        "go unflagged; check that they are clean"
        + _lowest_clean(search, STRIP_LOW * float(np.median(entropy)), " (", ")")
    )


def _strip_set(search: Any) -> str:
    """At what false-positive rate STRIP's threshold was set: ``--fpr``, or, on too few
    clean images for it, the lowest rate they can set (``strip.strip_rate``), said as such."""
    from assay.backdoor.strip import STRIP_CONFIDENCE, strip_bound, strip_rate

    fpr, n = search.test.strip_fpr, len(search.clean_entropy)
    rate = strip_rate(n, fpr)
    # the rate is the average over clean sets; this set's threshold is one draw (audit46b:
    # 10 calibration images "about 9%" flagged over 18 % of fresh clean digits in 12 of 60
    # runs): its bound is said beside it
    own = (
        f"this threshold's own rate under {strip_bound(n, fpr):.1%} at "
        f"{STRIP_CONFIDENCE:.0%} confidence"
    )
    if rate <= fpr + 1e-12:
        return (
            f"set at {fpr:.0%} false positives on {n} clean images (on average over clean "
            f"sets; {own})"
        )
    need = math.ceil(1 / fpr - 1 - 1e-9)
    return (
        f"set on {n} clean images: about {rate:.0%} false positives, NOT the {fpr:.0%} asked "
        f"({own}; the lowest rate {n} can set; --fpr {fpr:g} needs {need} calibration "
        f"images, half of --clean: give at least {2 * need})"
    )


def _strip_pool(search: Any) -> str:
    """The headline's words when the blending pool (half of ``--clean``) holds fewer images
    than ``--blends``: each image's blends are of that few distinct clean images."""
    from assay.backdoor.strip import distinct_blends

    blends, pool = int(search.test.strip_blends), max(1, len(search.test.clean) // 2)
    if distinct_blends(pool, blends) >= blends:
        return ""
    return (
        f"; each image's {blends} blends are of only {pool} distinct clean images (the "
        f"blending pool is half of --clean: give at least {2 * blends} clean images for "
        f"{blends} distinct)"
    )


def _input_summary(search: Any) -> dict[str, Any]:
    t = search.test
    name = _namer(search)
    # the second opinion's entropies and flags beside the patch scan's (``second_view``)
    rows: list[dict[str, Any]] = mark_rows(search.rows, getattr(search, "second", None))
    n = len(rows)
    poisoned = [r for r in rows if r["poisoned"]]
    # an image its budget left undecided is not an unflagged image (its few queries would
    # flatter the mean)
    clean_rows = [r for r in rows if not r["poisoned"] and r.get("status") == "done"]
    q_clean = float(np.mean([r["queries"] for r in clean_rows])) if clean_rows else 0.0
    # images checked against a trigger known when they were reached: an image flagged by the
    # recheck after the scan (``recheck.py``) had its own full search before its trigger was
    # known, and its queries are that search's (hostile41b's greydir run: 221.5 "per image with a
    # known trigger" against 52.5 per unflagged image); counted apart
    known = [r for r in poisoned if r.get("known_trigger") and not r.get("rechecked")]
    q_known = float(np.mean([r["queries"] for r in known])) if known else None
    late = sum(bool(r.get("rechecked")) for r in poisoned)
    q_all = float(np.mean([r["queries"] for r in rows])) if rows else 0.0
    s_all = float(np.mean([r["seconds"] for r in rows])) if rows else 0.0
    undecided = sum(r["status"] == "budget" for r in rows)
    # too few clean images in another class than the image's to confirm a trigger: not tested
    unverified = sum(r["status"] == "unverified" for r in rows)
    strategy = t.strategy
    distinct = _distinct(search, n)
    if strategy == "strip":
        headline = (
            (
                f"STRIP flagged {len(poisoned)} of {n} images"
                + (f" (only {distinct} distinct)" if distinct < n else "")
                + " (entropy below "
                f"{search.threshold or 0:.3f} bits, {_strip_set(search)}); {q_all:.0f} queries per "
                "image"
            )
            + _strip_pool(search)
            + (_strip_cluster(search) if poisoned else "")
        )
    else:
        trig = search.triggers
        parts = [
            f"trigger {k}: {_usual_box(rows, k, tr.box)} -> class {name(tr.target)}, "
            f"flip rate {tr.flip_rate:.0%}"
            for k, tr in enumerate(trig)
        ]
        headline = (
            f"{len(poisoned)} of {n} images"
            + (f" (only {distinct} distinct)" if distinct < n else "")
            + " carry a confirmed trigger"
            + (f" ({len(trig)} distinct: " + "; ".join(parts) + ")" if trig else "")
            + looked_for_clause(t, strip_asked(search))
            # with no image left unflagged, no mean over them (it read 0.0 queries)
            # (each image's own scan only, so labelled: the run's share is its queries in
            # all over the images, ``in_all_clause`` and ``run_rates``)
            + (
                f"; {OWN}{q_clean:.1f} queries per unflagged image"
                if clean_rows
                else f"; {OWN}{q_all:.1f} queries per image"
            )
            + (f", {q_known:.1f} per image with a known trigger" if q_known is not None else "")
            + (
                f" ({late} flagged by the recheck after the scan not counted: their own scans "
                "ran before the trigger was known)"
                if late and q_known is not None
                else (f"; {late} flagged by the recheck after the scan" if late else "")
            )
            + (f"; {undecided} undecided (per-image budget)" if undecided else "")
            + (
                f"; {unverified} not verified (too few clean images in another class than theirs)"
                if unverified
                else ""
            )
        )
    # the per-image figures are of the images' own scans: the run asks more beside them (the
    # clean images' and the images' classes, the determinism check, the recheck), said so
    own = sum(int(r["queries"]) for r in rows)
    asked = getattr(getattr(search, "model", None), "queries", None)
    in_all = asked if isinstance(asked, int) and rows and asked > own else None
    if in_all is not None:
        headline += in_all_clause(in_all, own)  # (the determinism check's: ``run_rates``)
    if strategy == "neo" and not poisoned:  # (docs/backdoor.md: "missed silently")
        side = int(getattr(t, "blocker", 2) or 2)
        headline += (
            f"; Neo as published slides a {side}x{side} blocker: a trigger larger than it "
            "survives partial occlusion and is missed silently (the default strategy looks for "
            "those)"
        )
    unchecked = _unchecked_targets(search) if strategy == "assay" else []
    if unchecked:
        many = len(unchecked) > 1
        headline += (
            f"; trigger{'s' if many else ''} "
            + ", ".join(str(k) for k, _, _ in unchecked)
            + f" NOT checked against {'their' if many else 'its'} class's own features: the "
            "model puts fewer than "
            f"{NATURAL_SOURCES} clean images in class "
            + ", ".join(f"{name(c)} ({n})" for c, n in sorted({(c, n) for _, c, n in unchecked}))
            + " (a large piece of that class's own images passes as a trigger; the images "
            "scanned that the model puts there stand in for them, those carrying a trigger "
            "already confirmed left out; give clean images of every class)"
        )
    weak, n_weak = _weak_clause(search, name) if strategy == "assay" else ("", 0)
    headline += weak
    scored = [r for r in poisoned if "true_label" in r and r.get("corrected") is not None]
    right = sum(int(r["corrected"]) == int(r["true_label"]) for r in scored)
    if scored and strategy != "strip":  # the true labels given score the corrected labels
        headline += (
            f"; corrected label = true label for {right} of {len(scored)} flagged images "
            f"({right / len(scored):.1%})"
        )
    if distinct < n:  # copies are answered from the first one's queries
        headline += f"; {n} images scanned are {distinct} distinct (copies cost no queries)"
    given = _images_given(t)
    if n == 0 and given:  # (it read "0 of 0 images carry a confirmed trigger")
        headline = _none_scanned(search, given)
    elif n < given:  # the run ended before these images (never scanned)
        headline += f"; {given - n} of {given} images not reached ({_why_ended(search)})"
    metrics: dict[str, Any] = {
        "strategy": strategy,
        "images scanned": n,
        "images flagged": len(poisoned),
        # each image's own scan: loading and the rest of the run left out, so labelled (the
        # run's figures per image and "images per second (wall clock)": ``run_rates``)
        SCAN_QUERIES: round(q_all, 2),
        **({IN_ALL: in_all} if in_all else {}),
        "seconds per image of its own scan only (mean)": round(s_all, 5),
    }
    if clean_rows:
        metrics[UNFLAGGED_QUERIES] = round(q_clean, 2)
    if q_known is not None:
        metrics[KNOWN_QUERIES] = round(q_known, 2)
    if late:
        metrics["images flagged by the recheck after the scan"] = late
    if strategy == "strip":
        from assay.backdoor.strip import strip_bound, strip_rate

        metrics["entropy threshold (bits)"] = search.threshold
        metrics["distinct clean images blended per image"] = min(
            int(t.strip_blends), max(1, len(t.clean) // 2)
        )
        n_calibrated = len(search.clean_entropy)
        metrics["false-positive rate of the threshold"] = round(
            strip_rate(n_calibrated, t.strip_fpr), 4
        )
        metrics[STRIP_BOUND_KEY] = round(strip_bound(n_calibrated, t.strip_fpr), 4)
    if undecided:
        metrics["undecided (per-image budget)"] = undecided
    if unchecked:
        metrics["triggers not checked against their class (too few clean images in it)"] = len(
            unchecked
        )
    if n_weak:
        weak_key = f"triggers checked against their class on fewer than {WEAK_HOLDERS} clean images"
        metrics[weak_key] = n_weak
    if unverified:
        metrics["not verified (too few clean images of another class)"] = unverified
    if scored and strategy != "strip":
        metrics["corrected label = true label (flagged images)"] = f"{right} of {len(scored)}"
    if distinct < n:
        metrics["distinct images scanned"] = distinct
    if n < given:
        metrics["images not reached"] = given - n
    columns = [
        "image",
        "prediction",
        "poisoned",
        "box",
        "target",
        "flip_rate",
        "corrected",
        "trigger_id",
        "known_trigger",
        "queries",
        "seconds",
    ]
    if strategy == "strip":
        columns = ["image", "prediction", "poisoned", "entropy", "queries", "seconds"]
    elif any("blend_entropy" in r for r in rows):
        columns[3:3] = ["strip_flag", "blend_entropy"]
    if strategy != "strip" and any("pattern_flag" in r for r in rows):
        columns.insert(3, "pattern_flag")
    if any("true_label" in r for r in rows):
        columns.insert(2, "true_label")
    if any("name" in r for r in rows):
        columns.insert(1, "name")
    sections: list[dict[str, Any]] = [
        {
            "title": "Images",
            "table": {
                "columns": columns,
                "rows": [
                    [name(r.get(c)) if c in _CLASS_COLUMNS else r.get(c) for c in columns]
                    for r in rows[:500]
                ],
            },
            "note": "box: (row, column, height, width) of the trigger; corrected: the "
            + _how_corrected(strategy)
            + ("; first 500 images" if n > 500 else ""),
        }
    ]
    gallery = _gallery(search)
    if gallery:  # the answer, drawn: before the table of every image
        sections.insert(
            0,
            {
                "title": "Reconstructed triggers",
                "gallery": gallery,
                "note": "each trigger beside the image it was found in and a clean image it "
                "was pasted on",
            },
        )
    return {
        "headline": headline,
        "metrics": metrics,
        "sections": sections,
        **_kept_rows(
            rows, [r for r in rows if r["poisoned"] or r.get("strip_flag") or r.get("pattern_flag")]
        ),
        "triggers": [tr.to_json() for tr in search.triggers],
        # every box and pixel pattern each trigger was confirmed as (the scan matches later
        # images against them all; the exported filter does too: ``phases.export_filter``)
        "matchers": [[k, tr.to_json()] for k, tr in getattr(search, "matchers", []) or []],
        "mode": "inputs",
        **(
            {"looked_for": looked_for(t, strip_asked(search))}
            if looked_for(t, strip_asked(search))
            else {}
        ),
        # images decided (an image the budget left undecided was not tested): 0 means
        # nothing was tested, never a pass
        "tested": n - undecided - unverified,
    }


def strip_asked(search: Any) -> bool:
    """Whether STRIP's second opinion was asked in the run (bd41; not when skipped)."""
    second = getattr(search, "second", None)
    return isinstance(second, dict) and not second.get("skipped")


def looked_for(t: Any, strip_too: bool = False) -> str | None:
    """What the default scan looks for (``patch triggers up to 16x16 pixels``, and ``and
    other triggers by STRIP's second opinion`` when that was asked); None for another
    strategy."""
    top = getattr(t, "top", None)
    if getattr(t, "strategy", None) != "assay" or not isinstance(top, int):
        return None
    more = " and other triggers by STRIP's second opinion" if strip_too else ""
    return f"patch triggers up to {top}x{top} pixels{more}"


def looked_for_clause(t: Any, strip_too: bool = False) -> str:
    """The headline's word on what was looked for: "0 of 40 images carry a confirmed trigger"
    of a blended trigger (20 of the 40 carrying it, hostile41b) read as a clean model."""
    what = looked_for(t, strip_too)
    if what is None:
        return ""
    bound = getattr(t, "max_trigger", None)
    if strip_too:  # (the opinion's own words follow in the headline)
        return f"; looked for {what}" + (f" (patches: --max-trigger {bound})" if bound else "")
    why = (
        f"--max-trigger {bound}"
        if bound
        else "not blended or image-wide triggers: --strategy strip looks at those"
    )
    return f"; looked for {what} only ({why})"


def _usual_box(rows: list[dict[str, Any]], k: int, first: Any) -> str:
    """Trigger ``k``'s box as most of its images show it, and the box it was first confirmed
    as when that differs (a box over the trigger and a stroke beside it, 4x4 at (row 4, col
    4), read as the trigger's place while 28 of its 30 images held it at 3x3 (row 5, col
    5))."""
    boxes = [tuple(r["box"]) for r in rows if r.get("trigger_id") == k and r.get("box")]
    if not boxes:
        return _box_text(first)
    usual = max(sorted(set(boxes)), key=lambda b: (boxes.count(b), b == tuple(first)))
    if usual == tuple(first):
        return _box_text(first)
    return (
        f"{_box_text(usual)} in {boxes.count(usual)} of its {len(boxes)} images (first "
        f"confirmed as {_box_text(first)})"
    )


def _how_corrected(strategy: str) -> str:
    """What the table's corrected label is, as the strategy makes it (``repair``)."""
    if strategy == "neo":
        return "prediction with the trigger blocked by the image's dominant colour (as Neo does)"
    return (
        "prediction with the trigger's region refilled from the clean images that look most "
        "like the image around it (what the image would show there without the patch)"
    )


def _unchecked_targets(
    search: Any, low: int = 0, below: int = NATURAL_SOURCES
) -> list[tuple[int, int, int]]:
    """(index, target, clean images in it) of each confirmed trigger whose target class holds
    fewer clean images than the check that tells a trigger from the class's own features
    takes its box from (``inputscan._natural``'s two sources): a 16x16 centre of an '8' on
    32x32 digits passed as a trigger when the clean images were '3's (one answered '8').
    With ``low`` and ``below``: those whose class holds ``low`` to ``below - 1``."""
    labels = getattr(search, "clean_labels", None)
    if labels is None:
        return []
    values, counts = np.unique(np.asarray(labels), return_counts=True)
    held = {int(v): int(n) for v, n in zip(values, counts, strict=True)}
    return [
        (k, int(tr.target), held.get(int(tr.target), 0))
        for k, tr in enumerate(getattr(search, "triggers", []) or [])
        if low <= held.get(int(tr.target), 0) < below
    ]


def _weak_clause(search: Any, name: Callable[[int], str]) -> tuple[str, int]:
    """The headline's word on confirmed triggers checked against their class's own features
    on fewer clean images of it than the check asks (``WEAK_HOLDERS``, ``_natural``'s five
    sources; two at least: fewer is ``_unchecked_targets``), and how many.  hostile41b's 12
    clean images: a clean scene's ring confirmed "14x14 ... -> class 4" on the two clean
    images of class 4, the class's own rings sending 40-90 % of other scenes there."""
    weak = _unchecked_targets(search, NATURAL_SOURCES, WEAK_HOLDERS)
    if not weak:
        return "", 0
    many = len(weak) > 1
    classes = sorted({(c, n) for _, c, n in weak})
    return (
        f"; weak evidence for trigger{'s' if many else ''} "
        + ", ".join(str(k) for k, _, _ in weak)
        + f": {'their' if many else 'its'} check against the class's own features rested on "
        + ", ".join(f"{n} clean images of class {name(c)}" for c, n in classes)
        + f" (it asks {WEAK_HOLDERS}: with fewer, a piece of the class's own images can pass "
        "as a trigger; give more clean images of "
        + ("those classes" if len(classes) > 1 else "that class")
        + ")",
        len(weak),
    )


def _kept_rows(rows: list[dict[str, Any]], flagged: list[dict[str, Any]]) -> dict[str, Any]:
    """Every row (``ROWS_KEPT`` images or fewer), else the flagged images' rows and a note."""
    if len(rows) <= ROWS_KEPT:
        return {"rows": rows}
    return {
        "rows": flagged,
        "rows_note": f"the {len(flagged):,} flagged images of {len(rows):,} scanned (every "
        f"image's row is kept up to {ROWS_KEPT:,} images scanned)",
    }


def _why_ended(search: Any) -> str:
    """Why a scan ended before its last image, as far as the search knows: its budget when
    the model wrapper says it is spent; else only that it ended (a model failure, a stop)."""
    exhausted = getattr(getattr(search, "model", None), "exhausted", None)
    spent = exhausted() if callable(exhausted) else None
    return "the run's budget ran out" if spent else "the run ended before them"


def _none_scanned(search: Any, given: int) -> str:
    """The headline of an input scan that ended before its first image (a model failing on
    its first calls, a budget spent on the clean images): none of the images was tested
    (hostile43b: a model returning NaN from its 31st call read "0 of 0 images carry a
    confirmed trigger")."""
    why = _why_ended(search).replace(" before them", "")
    return (
        f"no image was scanned: {why} before the first of the {given:,} images given, so "
        "none of them was tested"
    )


def _distinct(search: Any, n: int) -> int:
    """How many of the first ``n`` images to scan differ (kept per search and grown as it goes:
    the summary is made at every checkpoint, and hashing every image each time would cost a
    long scan more than the scan)."""
    images = getattr(search.test, "images", None)
    if images is None or n == 0:
        return n
    first = int(getattr(search, "first", 0) or 0)
    cached = getattr(search, "_distinct_cache", None)
    empty: set[bytes] = set()
    done, seen = (0, empty) if cached is None or cached[0] > n else cached
    if done < n:
        part = np.ascontiguousarray(images[first + done : first + n])
        # (a digest per image, not its bytes: a set of a million 28x28 images would be GBs)
        seen.update(
            blake2b(row.tobytes(), digest_size=16).digest() for row in part.reshape(len(part), -1)
        )
    with contextlib.suppress(AttributeError):  # a merged view of units' rows
        search._distinct_cache = (n, seen)
    return len(seen)


def _images_given(t: Any) -> int:
    """The images this search was given to scan (a unit: its chunk)."""
    if t.images is None:
        return 0
    chunk = getattr(t, "chunk", None)
    return int(chunk[1] - chunk[0]) if chunk is not None else len(t.images)


def _gallery(search: Any) -> list[dict[str, Any]]:
    t = search.test
    if t.images is None or not search.triggers:
        return []
    items = []
    for k, tr in enumerate(search.triggers[:MAX_GALLERY]):
        src = t.images[tr.source] if 0 <= tr.source < len(t.images) else t.clean[0]
        others: np.ndarray = (
            np.flatnonzero(search.clean_labels != tr.target)
            if search.clean_labels is not None
            else np.zeros(0, dtype=np.int64)
        )
        clean = t.clean[others[0]] if len(others) else t.clean[0]
        b = tr.box
        names = getattr(t, "image_names", None)
        # the image by the user's own name (its file) where it has one, as the table does
        own = (
            f"image {tr.source} ({names[tr.source]})"
            if names is not None and 0 <= tr.source < len(names)
            else f"image {tr.source}"
        )
        items.append(
            {
                "caption": f"trigger {k}: {_box_text(b)} -> class {_namer(search)(tr.target)} "
                f"(flip rate {tr.flip_rate:.0%}; {own})",
                "box": list(b),
                "images": [
                    {"label": own, "pixels": to_pixels(src), "box": list(b)},
                    {"label": "trigger", "pixels": to_pixels(tr.content)},
                    {
                        "label": "pasted on a clean image",
                        "pixels": to_pixels(paste(clean[None], tr.content, b)[0]),
                        "box": list(b),
                    },
                ],
            }
        )
    return items


def _cleared(
    search: Any, scans: list[Any], index: list[float], verdict: dict[str, Any]
) -> list[str]:
    """Why each class the size anomaly pointed at was not suspected after all (the checks of
    ``technique._model_verdict``, in their order), one clause per class."""
    from assay.backdoor.technique import (
        COLOUR_KEPT,
        COLOUR_LUMINANCE_RATIO,
        HELD_OUT_RATE,
        PIXEL_RATIO,
        SHORTCUT_RATIO,
    )

    ratios = verdict.get("shortcut_ratio") or {}
    kept = verdict.get("grey_kept") or {}  # a colour model's anomalous classes
    by_pixels = verdict.get("pixel_ratio") or {}
    limit = search.test.anomaly_threshold
    out = []
    for c, a in enumerate(index):
        s = scans[c] if c < len(scans) else None
        p = by_pixels.get(str(c), 0.0)
        if s is None or s.size is None or (a < limit and p < PIXEL_RATIO):
            continue
        ratio = ratios.get(str(c))
        grey = kept.get(str(c))
        luminance = isinstance(grey, int | float) and grey >= COLOUR_KEPT
        if luminance and not (isinstance(ratio, int | float) and ratio >= COLOUR_LUMINANCE_RATIO):
            compared = (
                "no other class was reached to compare its pixels with"
                if ratio is None
                else f"shortcut ratio {ratio:.1f} < {COLOUR_LUMINANCE_RATIO:g}"
            )
            reason = (
                f"its patch works as well in grey ({grey:.0%} of its flip rate kept: a light "
                f"and dark stroke, as a clean colour model's classes have, not a colour "
                f"trigger) and is not a strong shortcut ({compared})"
            )
        elif not kept and isinstance(ratio, int | float) and ratio < SHORTCUT_RATIO:
            reason = (
                f"its patch needs about as many pixels as the other classes' (shortcut ratio "
                f"{ratio:.1f} < {SHORTCUT_RATIO:g}), as a class's own shape does"
            )
        elif s.natural is not None and s.held_out is None:
            reason = (
                f"the class's own pixels in that box do the same ({s.natural:.0%} of clean "
                "images): its own feature, not a trigger"
            )
        elif s.held_out is not None:
            lowest = 0.0 if s.lowest_source is None else s.lowest_source
            bound = (verdict.get("held_out_lowest") or {}).get(str(c), HELD_OUT_RATE)
            asked = (
                f"{HELD_OUT_RATE:.0%} of each"
                if bound >= HELD_OUT_RATE
                else f"{HELD_OUT_RATE:.0%} of them and {bound:.0%} of each, as a strong shortcut"
            )
            reason = (
                f"on {s.held_out_n} held-out clean images it reached {s.held_out:.0%}, the "
                f"least of their source classes {lowest:.0%} (a trigger sends {asked})"
            )
        else:
            reason = "it did not pass the checks of a trigger"
        small = (
            f"an anomalously small patch ({s.size}x{s.size} at (row {s.box[0]}, col "
            f"{s.box[1]}), anomaly index {a:.1f})"
            if a >= limit
            else f"a patch of anomalously few effective pixels ({s.size}x{s.size} at (row "
            f"{s.box[0]}, col {s.box[1]}), "
            f"{p:.1f} times fewer than the other classes')"
        )
        out.append(f"class {_namer(search)(c)} was reachable by {small} but {reason}")
    return out


def _verdict_cut(search: Any, scans: list[Any], queries: int) -> str:
    """The headline of a model scan whose budget ran out in its verdict: every class was
    scanned, but the checks of the classes a small patch reaches were cut, so none was judged
    (it read "no suspected backdoor found ... (largest anomaly index 0.0 < 2)" with a trojan's
    4x4 patch at its trigger's place, anomaly index 5.1, never checked)."""
    t = search.test
    h, w = t.clean.shape[1:3]
    sizes = scan_sizes(h, w, t.max_trigger)
    sides = [s.size if s.size is not None else sizes[-1] + 1 for s in scans]
    index = anomaly_index(np.asarray(sides, dtype=np.float64))
    name = _namer(search)
    small = [
        f"class {name(s.target)}: a {s.size}x{s.size} patch at (row {s.box[0]}, col "
        f"{s.box[1]}) sends {s.flip_rate:.0%} of clean images there, anomaly index "
        f"{index[i]:.1f}"
        for i, s in enumerate(scans)
        if s.size is not None and index[i] >= t.anomaly_threshold
    ]
    which = (
        "the classes reachable by an anomalously small patch were not checked ("
        + "; ".join(small)
        + ")"
        if small
        else "no class was checked for a patch of anomalously few effective pixels"
    )
    return (
        f"model scan stopped in its verdict: all {len(scans)} classes were scanned, but the "
        f"budget ran out before any was judged: {which}; {queries:,} queries"
    )


def _model_summary(search: Any) -> dict[str, Any]:
    t = search.test
    verdict = search.verdict or {}
    scans = search.class_scans
    suspects = verdict.get("suspects", [])
    index = verdict.get("anomaly_index", [])
    # every query of the run (labelling the clean images, the verdict's checks and a class
    # the budget stopped in included), not only the finished class scans'
    queries = sum(s.queries for s in scans)
    run_queries = getattr(getattr(search, "model", None), "queries", None)
    if isinstance(run_queries, int) and run_queries > queries:
        queries = run_queries
    if suspects:
        parts = []
        for c in suspects:
            s = scans[c]
            extra = "" if s.pixels is None else f"; {s.pixels} effective pixels"
            parts.append(
                f"class {_namer(search)(c)}: a {s.size}x{s.size} patch at "
                f"(row {s.box[0]}, col {s.box[1]}) sends "
                f"{s.flip_rate:.0%} of clean images there (anomaly index {index[c]:.1f}{extra}"
                + (
                    f"; {s.held_out:.0%} of {s.held_out_n} held-out clean images, every source "
                    f"class at least {s.lowest_source:.0%})"
                    if s.held_out is not None and s.lowest_source is not None
                    else ")"
                )
                + carry_words(s.carry, _namer(search)(c))
            )
        for c, by in (verdict.get("outshone") or {}).items():
            parts.append(
                f"class {_namer(search)(int(c))} also passed as a weak shortcut but needs "
                f"{scans[int(c)].pixels} effective pixels against class "
                f"{_namer(search)(int(by))}'s {scans[int(by)].pixels}: set aside beside it"
            )
        headline = "suspected backdoor: " + "; ".join(parts) + f"; {queries:,} queries"
    elif scans and search.phase in ("again", "done") and not verdict:
        headline = _verdict_cut(search, scans, queries)
    elif scans and search.phase in ("again", "done"):
        top = max(index) if index else 0.0
        cleared = _cleared(search, scans, index, verdict)
        why = (
            "; ".join(cleared) + CLEARED_NOTE
            if cleared
            else f"no class reachable by an anomalously small patch (largest anomaly index "
            f"{top:.1f} < {t.anomaly_threshold:g})"
        )
        headline = (
            f"no suspected backdoor found within the budget: {why}; {queries:,} queries; "
            f"looked for {model_looked_for(verdict.get('sizes'))} only, not for "
            f"{MODEL_SCAN_NOT}. "
            "This is what the search found, not a proof that the model is clean."
        )
    else:
        of = f" of {search.caps.n_classes}" if getattr(search, "caps", None) else ""
        headline = f"model scan stopped after {len(scans)}{of} classes; {queries:,} queries"
    rows = []
    for s in scans:
        rows.append(
            [
                _namer(search)(s.target),
                s.size,
                round(s.flip_rate, 3),
                list(s.box),
                index[s.target] if s.target < len(index) else None,
                s.pixels,
                s.target in suspects,
                s.queries,
            ]
        )
    sections: list[dict[str, Any]] = [
        {
            "title": "Model scan (clean images only)",
            "table": {
                "columns": [
                    "class",
                    "smallest patch",
                    "flip rate",
                    "box",
                    "anomaly index",
                    "effective pixels",
                    "suspected",
                    "queries",
                ],
                "rows": rows,
            },
            "note": f"smallest patch: the side of the smallest patch sending at least "
            f"{t.scan_tau:.0%} of clean images to the class (searched at the sizes "
            f"{verdict.get('sizes')}, the first found then cut while it still did; empty: none "
            f"found); anomaly index: robust z-score (median, MAD) of that side over classes, "
            f"the MAD floored at a tenth of the median, a class with none found counted as "
            f"side {scan_sizes(t.clean.shape[1], t.clean.shape[2], t.max_trigger)[-1] + 1}; "
            "effective pixels: the fewest of the patch's pixels keeping most of its flip "
            "rate (a class needing far fewer than the others is checked whatever its side)",
        }
    ]
    gallery = []
    for c in suspects:
        s = scans[c]
        others = np.flatnonzero(search.clean_labels != c)
        ex = t.clean[others[0]] if len(others) else t.clean[0]
        gallery.append(
            {
                "caption": f"class {_namer(search)(c)}: reconstructed patch "
                f"(flip rate {s.flip_rate:.0%})",
                "box": list(s.box),
                "images": [
                    {"label": "patch", "pixels": to_pixels(s.content)},
                    {
                        "label": "pasted on a clean image",
                        "pixels": to_pixels(paste(ex[None], s.content, s.box)[0]),
                        "box": list(s.box),
                    },
                ],
            }
        )
    if gallery:
        sections.append({"title": "Suspected triggers", "gallery": gallery})
    return {
        "headline": headline,
        "metrics": {
            "classes scanned": len(scans),
            "suspected targets": ", ".join(map(str, suspects)) or "none",
            "queries": queries,
        },
        "sections": sections,
        "verdict": verdict,
        "class_scans": [s.to_json() for s in scans],
        "mode": "model",
        # what a pass covers (attack45b: an all-to-all or source-specific trojan passed
        # unsaid): the verdict line says "(looked for ... only)"
        **(
            {"looked_for": model_looked_for(verdict.get("sizes")), "not_looked_for": MODEL_SCAN_NOT}
            if verdict and not suspects
            else {}
        ),
        "tested": len(scans),  # classes scanned: 0 means nothing was tested
    }
