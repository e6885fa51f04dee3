"""Input scans: is this image poisoned, and with what trigger?

``neo_scan`` follows Neo (Udeshi et al., IEEE Trans. Reliability 2022) as published: a square
blocker of the image's dominant colour slides over the image one pixel at a time; every position
whose occlusion changes the prediction is a candidate; a candidate's pixels are pasted onto
clean verification images, and the first candidate that flips enough of them to the image's
class is the trigger.

``assay_scan`` goes beyond it: known triggers are checked first (a pixel match costs nothing;
one query with the trigger blocked; a change of prediction, or the trigger's exact pixels when
they are not mostly background, decide it); a coarse grid of windows large enough to cover any
trigger up to ``max_trigger`` pixels is asked in one call, each window refilled from the nearest
clean images (``repair.mean_fill``; not blocked: a window that large blocked by the background
also removes most of the object, and a trojaned model may answer its target for what is left, so
the window holding the trigger changes nothing; refilled, it shows the object without the
trigger, and on a clean image it mostly keeps the answer, so fewer windows go on); candidates
are screened on one clean image, a second, then three more (one of these four may miss:
``SCREEN_MISSES``); a surviving window shrinks to the
smallest box whose pixels still flip the screening images (each level asks one screening image
first); that box is confirmed on the verification images in parts (5, 10, 20: a candidate that
has missed too many is out early), unless the same box taken from clean images of the class
flips nearly as many (the class's own features; the sources are the clean images of the class
most like the image outside the box, whose content there is the class's feature as this image
would carry it: at 28x28 the first images of a class listed held a digit's loop a few pixels
off, and a 14x14 loop of a clean '9' passed as a trigger; two sources must agree, as one clean
image may carry a look-alike of the trigger and be in the class because of it; checked with two
sources after 10 images, then with up to five). A box still larger than ``max_trigger`` once trimmed
(below) is not reported (that much of an image is the object's own features, not a patch).
The first natural box ends the
image's scan (its sensitivity is its own class's); otherwise every surviving window is tried
and the best box kept (one whose own blocking neutralises it, then the smallest: a window that
holds only part of a trigger shrinks to a worse box), trimmed to the pixels unlike the nearest
clean images there. Its corrected label is the answer on the image with the trigger's region
refilled from the nearest clean images (``repair.py``), not the prediction with it blocked;
when the model gives class probabilities (``scores``), the mean of its probabilities on that
fill and on a Gaussian fill of the same region, the trigger's class set aside unless the fills
are sure of it (``repair.combined_label``: one query more per detection).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from assay.backdoor.across import ACROSS_RATE, across_classes
from assay.backdoor.consensus import trigger_mask
from assay.backdoor.drawn import class_draws
from assay.backdoor.moved import drawn_elsewhere
from assay.backdoor.patches import (
    Box,
    Trigger,
    block,
    dominant_colour,
    grid_boxes,
    paste,
    trigger_present,
)
from assay.backdoor.places import known_places
from assay.backdoor.repair import combined_label, gaussian_fill, mean_fill, vote, voting_fills
from assay.backdoor.verdicts import ImageVerdict, Labeler, Scorer

__all__ = ["assay_scan", "neo_scan", "pick_verification"]

# how a window is hidden: refilled from the nearest clean images (True) or blocked by the
# image's dominant colour, as Neo does (False); the coarse windows and the shrinking levels
REFILL_COARSE = True
REFILL_SHRINK = False
# the corrected label refills the trigger's whole extent (``_extent``), not only the box found
EXTENT = True
# the corrected label as the vote of the mean refill and of Gaussian refills (``_vote``,
# ``repair.voting_fills``: 4 more queries per detection).  Off: on the true trigger box of
# the 8x8 digits it is right more often than the mean refill alone (3x3/4x4 triggers: 93.2
# against 90.8 %), but behind the scan's own regions it gained and lost about as many images
# (quick bench: 8x8 2 images fewer net of ~540, 16x16 3 more; at 8x8 the shortfall is a
# region one line short of the trigger, which no fill of that region repairs;
# bench/RESULTS.md, branch bdfix).  The bench strategy "assay-vote" runs the default with it on
VOTE = False
# the trigger's extent from the consensus of every scanned image that carries it
# (``consensus.trigger_mask``), where at least 20 do; else from the image alone (``_odd``)
CONSENSUS = True
# how many of the screening images after the first (a second, then three more) a window may
# fail to flip and still be shrunk: a trigger that moves only 88 % of digits passes all five
# about half the time (0.88^5; on the 8x8 bench's weakest 2x2 random trojan, 4 of its 5
# missed images); the confirmation on 20 images still decides.  One: 2x2 random detection
# 97.7 -> 98.1 % of the images the trigger fires on, clean flags unchanged, 2-3 more queries
# per clean image (bench/RESULTS.md, branch bd12)
SCREEN_MISSES = 1


# clean images of a trigger's class whose box, pasted, must flip as the trigger does for it to
# be the class's own feature (``_natural``); with fewer, a class's own piece can pass as a trigger
NATURAL_SOURCES = 2
# clean images of the class that hold the candidate's own pixels in its box (``copies``) are
# no sources for the natural-feature check when one of them at least leaves the class with the
# box refilled (``_pasted_in``; where all stay, the class is drawn the same there): a class's
# feature is drawn differently in each image, a trigger is pasted the same on all, and such a
# clean image is in the class because of those pixels, as a poisoned image is.  Two clean
# images carrying the trigger (a clean set drawn from poisoned data) made it the class's own
# feature in every scanned image, and the run passed with 3 poisoned images of 200 scanned
# (bd31; hostile30b's Left 1).  On clean digit models no source that agreed with a candidate
# was a copy (at most 9 of 16 pixels within 0.05, most of them background; the fp runs kept
# their figures and queries); skipping the sources that hold its pixels within 0.25 at 85 %
# of them, as a known trigger is matched, flagged 18 of 1,800 clean digits against 2 (the
# centres of '9's drawn alike; hostile30b)
SKIP_COPIES = True
COPY_TOLERANCE = 0.05
COPY_SHARE = 0.75
# the natural-feature check's sources also drawn by their content in the box (those nearest the
# candidate's pixels there, in turn with those drawn like the image outside it).  The price: a
# trigger that looks like a piece of its class (a white plus at the centre of 8x8 digits ->
# '3', whose middle bar it resembles) fires on exactly those sources, because of the backdoor,
# and is taken for the class's own feature on the images scanned before it is known (6
# poisoned digits after 40 clean: 4 found; 6 with this off).  Kept on: off, a poisoned 28x28
# '0''s 14x14 box around a 4x4 checker was confirmed, and that form matched 2 of 60 clean '9's
# by its pixels alone (85 % of 196 pixels, mostly background; bd38 took them for the '9''s
# loop); refusing a form that clean images of other classes hold stops that but lost the dark
# plus at the centre of 16x16 digits (21.5 -> 4.3 %: blocking never shows a dark trigger, so
# its forms' pixels decide); and off, the dark 3x3 at the centre of 16x16 digits was found
# 97.6 -> 96.4 %, 59 of its 83 detections by scans afresh against 22 (31,909 queries on its
# poisoned images against 11,878: its first boxes, found larger, filled its forms;
# bench/RESULTS.md, bd38 and bd39)
NATURAL_BY_CONTENT = True

# a candidate that is not the class's own feature at its place is tried with the class's clean
# images' content nearest it wherever it is (``moved.py``: objects that stand anywhere); a
# class with fewer clean images than that check's sources takes the images scanned that the
# model puts in it too (``natural_pool``)
MOVED = True
MOVED_SOURCES = 5

# A known trigger's place tried with the image's own pixels before the windows (``places.py``):
# the first poisoned images of a trigger first confirmed on a lured clean image's stroke
KNOWN_PLACES = True


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


def _refill_all(
    image: np.ndarray, boxes: Sequence[Box], references: np.ndarray, fills: int
) -> np.ndarray:
    """For each box, the image with the box refilled from the nearest clean references
    (``repair.mean_fill``): what the image would show there without a patch."""
    return np.concatenate([mean_fill(image, b, references, fills) for b in boxes])


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
    max_trigger: int = 4,
    scanned: np.ndarray | None = None,
    scores: Scorer | None = None,
    reference_labels: np.ndarray | None = None,
) -> ImageVerdict | None:
    """A known trigger whose pixels the image carries and whose blocking changes the
    prediction (one query per matching trigger, plus one for the corrected label when
    ``references`` are given: the region refilled, ``repair.mean_fill``; one more with
    ``scores``: ``_combined``); None when no known trigger explains it.  When blocking changes
    nothing, the trigger's exact pixels decide, unless they are mostly background or, given
    the ``reference_labels`` (the model's answers on ``references``), clean images of the
    class carry them as their own (``drawn.class_draws``: a form confirmed on a clean image
    whose strokes fire the backdoor; up to 5 queries, none when no clean image of the class
    carries them).  A trigger not distinct from the image's most frequent colour (a white
    trigger on a mostly white digit) is not removed by blocking: the refill of its box moving
    the prediction decides then.  The triggers are
    matched on their whole box first; only when none matches so, on the pixels of their
    masks (``masks.py``: a plus does not fill its box), and such a match is taken only when
    blocking changes the prediction (the pixels alone never decide it: a plus's few pixels
    may be strokes').  (Masks first, a 2x2 trigger's 4x4 form, masked to a column, was
    matched before its exact 2x2 form and cost 4 queries per image instead of 1-2.)"""

    matching = [
        (i, t)
        for i, t in enumerate(known)
        if t.target == label and bool(trigger_present(image[None], t, masked=False)[0])
    ]
    loose = not matching  # none on its whole box: on a mask's pixels (``masks.py``)
    if loose:
        matching = [
            (i, t)
            for i, t in enumerate(known)
            if t.target == label and t.mask is not None and bool(trigger_present(image[None], t)[0])
        ]
    if not matching:
        return None
    colour = dominant_colour(image)
    h, w = image.shape[:2]
    blocked = np.stack([block(image[None], t.cover(h, w), colour)[0] for _, t in matching])
    refill = fills > 0 and references is not None and len(references) > 0
    first: list[Box] = []
    if refill:  # the refills of the first matching trigger, asked in the same call
        assert references is not None
        t0 = matching[0][1]
        first = _regions(image, t0.box, t0.cover(h, w), references, max_trigger, scanned)
        blocked = np.concatenate(
            [blocked, *(mean_fill(image, r, references, fills) for r in first)]
        )
    answers, probs = _ask(labels, scores if refill else None, blocked)
    preds, refilled = answers[: len(matching)], answers[len(matching) :]
    # a change of prediction when blocked first; else the pixels alone (the image carries a
    # confirmed trigger's exact pattern, which is not mostly background) decide it
    order = sorted(range(len(matching)), key=lambda j: int(preds[j]) == label)

    def by_pixels(t: Trigger) -> bool:
        """Do the trigger's pixels alone show the image poisoned?"""
        if loose or not _distinct(t, colour):
            return False
        if references is None or reference_labels is None:
            return True
        return not class_draws(t, label, labels, references, reference_labels)

    def by_refill(j: int, t: Trigger) -> bool:
        """Blocked with a colour its own pixels have (a white trigger on an image whose most
        frequent colour is white), the trigger stays: did the refill of its box move it?"""
        return j == 0 and not _distinct(t, colour) and any(int(a) != label for a in refilled)

    for j in order:
        (i, t), pred = matching[j], preds[j]
        if int(pred) != label or by_pixels(t) or by_refill(j, t):
            region = t.cover(h, w)
            chosen = None  # the model's probabilities on the region's mean fill
            if j == 0 and len(refilled):
                k = _first_moved(refilled, label)
                pred, region = refilled[k], first[k]
                chosen = None if probs is None else probs[len(matching) + k]
            elif refill:
                assert references is not None
                mine = _regions(image, t.box, t.cover(h, w), references, max_trigger, scanned)
                batch = np.concatenate([mean_fill(image, r, references, fills) for r in mine])
                asked, asked_p = _ask(labels, scores, batch)
                k = _first_moved(asked, label)
                pred, region = asked[k], mine[k]
                chosen = None if asked_p is None else asked_p[k]
            if refill and int(pred) == label:  # the refill left the trigger firing: wider
                assert references is not None
                wider = _extend(image, region, references)
                if wider != region:
                    answer, wider_p = _ask(
                        labels, scores, mean_fill(image, wider, references, fills)
                    )
                    if int(answer[0]) != label:
                        pred, region = answer[0], wider
                        chosen = None if wider_p is None else wider_p[0]
            if refill and scores is not None and chosen is not None:
                assert references is not None
                pred = _combined(image, region, chosen, label, scores, references)
            elif refill and VOTE and int(pred) != label:
                assert references is not None
                pred = _vote(image, region, int(pred), label, labels, references)
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
    max_natural: int = 1,
    max_windows: int = 2,
    scanned: np.ndarray | None = None,
    scores: Scorer | None = None,
    scanned_labels: np.ndarray | None = None,
) -> ImageVerdict:
    """The default scan (see the module's text).  The image's scan ends after ``max_natural``
    boxes found to be the class's own features, and after ``max_windows`` windows shrunk
    without a confirmed box.  ``scanned``: every image of the scan (n, H, W, C); those that
    carry a trigger found give its extent for the corrected label (``consensus.py``).
    ``scores``: the model's class probabilities (the same calls as ``labels``), for the
    corrected label (``_combined``); None for a model that answers labels only."""
    hit = check_known(
        index,
        image,
        label,
        labels,
        known,
        verify,
        fills,
        max_trigger,
        scanned,
        scores,
        verify_labels,
    )
    if hit is not None:
        return hit
    height, width, _ = image.shape
    top = max(1, min(max_trigger, height, width))
    stride = max(1, math.ceil(top / 2))
    window = min(top + stride - 1, height, width)
    colour = dominant_colour(image)
    coarse = grid_boxes(height, width, window, stride)
    hide = REFILL_COARSE and fills > 0
    preds = labels(
        _refill_all(image, coarse, verify, fills) if hide else _occlude_all(image, coarse, colour)
    )
    changed = [coarse[int(i)] for i in np.flatnonzero(preds != label)]
    verdict = ImageVerdict(index=index, label=label, candidates=len(changed))
    verdict.windows = [(coarse[int(i)], int(preds[i])) for i in np.flatnonzero(preds != label)]
    order = _by_class(pick_verification(verify_labels, label, len(verify), rng), verify_labels)
    if not changed or not len(order):
        return verdict
    sources, source_labels = natural_pool(
        verify, verify_labels, label, index, scanned, scanned_labels, known
    )
    in_class, in_class_labels = natural_pool(
        verify, verify_labels, label, index, scanned, scanned_labels, known, need=MOVED_SOURCES
    )
    moved = in_class[in_class_labels == label] if MOVED else None
    screen = verify[order[:5]]

    def across(box: Box) -> bool:
        """Does a box confirmed on clean images of one class send the images scanned of a
        third class too (``across``; True when not asked)?"""
        rate = across_classes(
            image, box, label, labels, verify_labels, index, scanned, scanned_labels, known
        )
        if rate is not None:
            verdict.extra = {**(verdict.extra or {}), "across": round(rate, 3)}
        return rate is None or rate >= ACROSS_RATE

    chosen = verify[order[:n_verify]]

    def confirm(box: Box) -> float | None:
        return _confirm(
            image, box, label, labels, chosen, threshold, sources, source_labels, moved=moved,
            fills=fills,
        )  # fmt: skip

    tried: set[Box] = set()
    best: tuple[Box, int, Box, float] | None = None
    # a known trigger's place with the image's own pixels first (``places.py``)
    for box in known_places(image, label, labels, known, verify, fills) if KNOWN_PLACES else []:
        if box in tried:
            continue
        tried.add(box)
        rate = confirm(box)
        if rate is None or rate <= 0 or not across(box):
            continue
        # the grown box holds the image's own strokes too: taken only tightened to a trigger's
        # size and confirmed so (else the windows below, as without it)
        tight = _tighten(image, box, verify)
        if tight[2] > top or tight[3] > top:
            continue
        if tight != box:
            rate = confirm(tight)
            if rate is None or rate <= 0 or not across(tight):
                continue
        best = (tight, label, tight, rate)
        break
    # screening, cheapest first: every window on one image (one call), then window by window
    # (only as many as are shrunk) a second image and three more; the first must flip, of the
    # others all but ``SCREEN_MISSES``
    alive: list[Box] = []
    if best is None:
        flips = labels(_paste_each(screen[:1], image, changed)) == label
        alive = [b for b, f in zip(changed, flips, strict=True) if f]
    naturals: list[Box] = []
    shrunk_windows = 0  # windows shrunk before any box was confirmed
    for win in alive:
        if any(_inside(b, win) for b in naturals) or len(naturals) >= max_natural:
            continue
        if best is None and shrunk_windows >= max_windows:
            break
        if _screen_misses(image, label, labels, screen, win) > SCREEN_MISSES:
            continue
        shrunk_windows += 1
        window_pred = int(preds[coarse.index(win)])
        shrunk = _shrink(
            image,
            label,
            labels,
            win,
            window_pred,
            colour,
            screen[:3],
            references=verify,
            fills=fills,
        )
        for box, corrected, cover in shrunk:
            if box in tried or (best is not None and not _better(box, cover, best)):
                continue
            tried.add(box)
            rate = confirm(box)
            if rate is None:
                continue
            if rate < 0:  # the class's own feature: windows around it would find it again
                naturals.append(box)
                # (said: clean images that carry a trigger make it look so: ``overlap``)
                verdict.extra = {**(verdict.extra or {}), "natural": list(box)}
                break
            if not across(box):
                continue
            best = (box, corrected, cover, rate)
            if cover == box:  # the smallest box of this window whose blocking neutralises it
                break
    if best is None:
        return verdict
    box, corrected, cover, rate = best
    tight = _tighten(image, box, verify)
    if tight != box:  # the pixels unlike clean images there, kept when they are a trigger too;
        # the region to block stays the one found (a trimmed edge may still hold a part that
        # fires); the tight box is what later images are matched by
        tight_rate = confirm(tight)
        if tight_rate is not None and tight_rate > 0 and across(tight):
            box, rate = tight, tight_rate
    if box[2] > top or box[3] > top:  # larger than any trigger looked for, even trimmed: that
        return verdict  # much of an image is the object's own features, not a patch
    if fills:
        regions = _regions(image, box, cover, verify, top, scanned)
        batch = np.concatenate([mean_fill(image, r, verify, fills) for r in regions])
        answers, probs = _ask(labels, scores, batch)
        k = _first_moved(answers, label)
        corrected, cover = int(answers[k]), regions[k]
        chosen = None if probs is None else probs[k]
        wider = _extend(image, cover, verify)
        if corrected == label and wider != cover:  # the refill left the trigger firing
            answer, wider_p = _ask(labels, scores, mean_fill(image, wider, verify, fills))
            if int(answer[0]) != label:
                corrected, cover = int(answer[0]), wider
                chosen = None if wider_p is None else wider_p[0]
        if scores is not None and chosen is not None:
            corrected = _combined(image, cover, chosen, label, scores, verify)
        elif VOTE and corrected != label:
            corrected = _vote(image, cover, corrected, label, labels, verify)
    t, left, h, w = box
    content = image[t : t + h, left : left + w, :].copy()
    verdict.poisoned = True
    verdict.box = box
    verdict.target = label
    verdict.flip_rate = rate
    verdict.corrected = corrected
    verdict.trigger = Trigger(box, content, label, rate, index, None if cover == box else cover)
    return verdict


def natural_pool(
    verify: np.ndarray,
    verify_labels: np.ndarray,
    label: int,
    index: int,
    scanned: np.ndarray | None,
    scanned_labels: np.ndarray | None,
    known: Sequence[Trigger] = (),
    need: int = NATURAL_SOURCES,
) -> tuple[np.ndarray, np.ndarray]:
    """The images the natural-feature check (``_natural``) takes its sources of class
    ``label`` from: the clean images, and when the model puts fewer than ``need`` of
    them in ``label``, also the other images scanned that it puts there, except those carrying
    a trigger already confirmed (``known``: in the class because of it; copies of the
    candidate's own pixels are left out later, as for clean ones: ``copies``).  Without them
    the check had no source and passed every candidate: clean images all '3' (bd36b) confirmed
    a 4x4 piece of a '2' as a trigger, as it turns 3s into 2s, on 11 of 30 clean digits."""
    if (
        scanned is None
        or scanned_labels is None
        or int(np.count_nonzero(verify_labels == label)) >= need
    ):
        return verify, verify_labels
    mine = np.flatnonzero(scanned_labels == label)
    mine = mine[mine != index]
    for trigger in known:
        if len(mine):
            mine = mine[~trigger_present(scanned[mine], trigger, masked=False)]
    if not len(mine):
        return verify, verify_labels
    return (
        np.concatenate([verify, scanned[mine].astype(verify.dtype, copy=False)]),
        np.concatenate([verify_labels, scanned_labels[mine]]),
    )


def _screen_misses(
    image: np.ndarray, label: int, labels: Labeler, screen: np.ndarray, win: Box
) -> int:
    """How many of the screening images after the first the window's pixels pasted on them
    leave out of ``label``: asked on the second, then on three more unless the misses
    already exceed ``SCREEN_MISSES`` (that window's answer is known: no more queries)."""
    missed = 0
    for lo, hi in ((1, 2), (2, 5)):
        if lo >= len(screen) or missed > SCREEN_MISSES:
            break
        missed += int((labels(_paste_each(screen[lo:hi], image, [win])) != label).sum())
    return missed


def _confirm(
    image: np.ndarray,
    box: Box,
    label: int,
    labels: Labeler,
    chosen: np.ndarray,
    threshold: float,
    verify: np.ndarray,
    verify_labels: np.ndarray,
    parts: tuple[int, ...] = (5, 10),
    *,
    moved: np.ndarray | None = None,
    fills: int = 5,
) -> float | None:
    """The flip rate of the box's pixels pasted onto the verification images ``chosen`` when
    it reaches ``threshold`` and the box is not the class's own feature (``_natural``); -1.0
    when it is the class's own feature; None when it misses the threshold.  Asked in parts,
    cheapest rejection first: the first ``parts[0]`` images (the screening images: already
    asked), up to ``parts[1]``, then the rest; a candidate that has missed more than
    ``len(chosen) * (1 - threshold)`` images is out.  After the second part the natural-feature
    check runs on the images asked so far with one source (a large piece of the class's own
    digit is out there, before the rest is asked); a candidate that survives is checked on
    every image with every source, then with ``moved`` (the class's images whose content
    nearest the candidate's, wherever it is, is pasted: ``moved.drawn_elsewhere``)."""
    allowed = math.floor(len(chosen) * (1.0 - threshold) + 1e-9)
    cuts = [0, *(p for p in parts if p < len(chosen)), len(chosen)]
    hits: list[np.ndarray] = []
    for k, (lo, hi) in enumerate(itertools.pairwise(cuts)):
        hits.append(labels(_paste_each(chosen[lo:hi], image, [box])) == label)
        so_far = np.concatenate(hits)
        if int((~so_far).sum()) > allowed:
            return None
        if k == 1 and hi < len(chosen):  # early natural check on what was asked so far
            rate = float(so_far.mean())
            if _natural(
                box, label, rate, labels, verify, verify_labels, chosen[:hi], 2, image=image
            ):
                return -1.0
    rate = float(np.concatenate(hits).mean())
    if rate < threshold:
        return None
    if _natural(box, label, rate, labels, verify, verify_labels, chosen, image=image):
        return -1.0
    if moved is not None and drawn_elsewhere(
        box,
        label,
        rate,
        labels,
        moved,
        chosen,
        image,
        references=verify,
        fills=fills,
        tolerance=COPY_TOLERANCE,
        share=COPY_SHARE,
        n_sources=MOVED_SOURCES,
        margin=0.5,
        need=NATURAL_SOURCES,
    ):
        return -1.0
    return rate


def _by_class(order: np.ndarray, verify_labels: np.ndarray) -> np.ndarray:
    """``order`` rearranged to take one image of each class in turn (classes in order of
    first appearance), so that the screening images are of as many classes as there are: a
    trigger sends every class to its target, a piece of a digit only some."""
    classes = verify_labels[order]
    rank = np.zeros(len(order), dtype=np.int64)
    seen: dict[int, int] = {}
    for j, c in enumerate(classes.tolist()):
        rank[j] = seen.get(c, 0)
        seen[c] = rank[j] + 1
    out: np.ndarray = order[np.lexsort((np.arange(len(order)), rank))]
    return out


def _better(box: Box, cover: Box, best: tuple[Box, int, Box, float]) -> bool:
    """Is ``box`` better evidence than the best so far?  A box whose own blocking neutralises
    it beats one that needs a larger region blocked; then the smaller box wins (a window that
    holds only part of a trigger shrinks to a larger box, or to a part that fires less)."""
    mine = (cover != box, box[2] * box[3])
    theirs = (best[2] != best[0], best[0][2] * best[0][3])
    return mine < theirs


def _odd(
    image: np.ndarray, box: Box, references: np.ndarray, margin: int = 2, far: float = 0.5
) -> np.ndarray:
    """(H, W) mask of the pixels around ``box`` (grown by ``margin``) that are unlike clean
    images there: farther than ``far`` from the mean of the nearest references' pixels
    (``repair.nearest_contents``, chosen by the pixels outside the grown box)."""
    from assay.backdoor.patches import grow
    from assay.backdoor.repair import nearest_contents

    height, width = image.shape[:2]
    rt, rl, rh, rw = grow(box, height, width, margin)
    expected = nearest_contents(image, (rt, rl, rh, rw), references, 5, 1).mean(axis=0)
    odd = np.zeros((height, width), dtype=bool)
    odd[rt : rt + rh, rl : rl + rw] = (
        np.abs(image[rt : rt + rh, rl : rl + rw, :] - expected).max(axis=-1) > far
    )
    return odd


def _tighten(image: np.ndarray, box: Box, references: np.ndarray) -> Box:
    """``box`` trimmed to its pixels unlike clean images there (``_odd``): edge rows and
    columns without one are cut off.  A trigger is what clean images do not have at its place;
    the background and strokes a box found by shrinking may also hold are what they have (and
    would stop the box from matching the trigger on other images).  No query; the box itself
    when nothing in it stands out."""
    odd = _odd(image, box, references)
    t, left, h, w = box
    if not odd[t : t + h, left : left + w].any():
        return box
    while not odd[t, left : left + w].any():
        t, h = t + 1, h - 1
    while not odd[t + h - 1, left : left + w].any():
        h -= 1
    while not odd[t : t + h, left].any():
        left, w = left + 1, w - 1
    while not odd[t : t + h, left + w - 1].any():
        w -= 1
    return (t, left, h, w)


def _extend(image: np.ndarray, box: Box, references: np.ndarray, margin: int = 1) -> Box:
    """``box`` grown by a pixel towards each side whose next line, its two corners included,
    holds pixels unlike clean images there (``_odd``), up to ``margin`` times: the rest of a
    trigger whose part alone was enough to fire.  A pixel diagonal to the box grows both sides
    it touches: a checkerboard's one white pixel found as the box leaves its other white
    pixel diagonal to it, beside black ones like the background (on the 32x32 digits CNNs,
    refilling the one pixel left the trigger firing: the corrected label was the target for
    8 of 600 detections of 2x2 checkerboards; bench/RESULTS.md, bd29).  Used only when
    refilling the box leaves the image in the target class (growing it always would refill
    strokes too)."""
    odd = _odd(image, box, references, margin)
    height, width = image.shape[:2]
    t, left, h, w = box
    for _ in range(margin):
        lo, hi = max(left - 1, 0), left + w + 1  # the lines above and below, with corners
        up, down = max(t - 1, 0), t + h + 1  # the columns left and right, with corners
        top, bottom = (
            t > 0 and odd[t - 1, lo:hi].any(),
            (t + h < height and odd[t + h, lo:hi].any()),
        )
        lft, rgt = (
            left > 0 and odd[up:down, left - 1].any(),
            (left + w < width and odd[up:down, left + w].any()),
        )
        if not (top or bottom or lft or rgt):
            break
        t, h = t - int(top), h + int(top) + int(bottom)
        left, w = left - int(lft), w + int(lft) + int(rgt)
    return (t, left, h, w)


def _regions(
    image: np.ndarray,
    box: Box,
    cover: Box,
    references: np.ndarray,
    top: int,
    scanned: np.ndarray | None = None,
) -> list[Box]:
    """The regions to refill for the corrected label, in order: the trigger's whole extent
    (``_extent``: the box found is the smallest part that fires, and what is left of the
    trigger beside it still moves the answer; on 8x8 digits a solid 4x4 square's 3x3 corner
    was found and refilling it alone answered the true label for 58 % of the images), then the
    region found to neutralise it.  The extent's pixels are those the ``scanned`` images that
    carry the box's pixels agree on and clean images mostly do not hold
    (``consensus.trigger_mask``), where 20 or more carry it; else those unlike the nearest
    clean images (``_odd``: one image alone left a solid 4x4 square's region a line short on
    55 of 57 detections at 8x8)."""
    mask = None
    if scanned is not None and CONSENSUS:
        t, left, h, w = box
        mask = trigger_mask(scanned, box, image[t : t + h, left : left + w, :], references)
    full = _extent(image, box, references, top, mask) if EXTENT else cover
    return [full, cover] if full != cover else [cover]


def _vote(
    image: np.ndarray,
    region: Box,
    answer: int,
    label: int,
    labels: Labeler,
    references: np.ndarray,
) -> int:
    """The corrected label by vote: the answers on the image with the region refilled by each
    of ``repair.voting_fills`` (Gaussian conditional means from neighbourhoods of several
    sizes: up to 4 queries, asked in one call), then ``answer`` (the region refilled with the
    mean of its nearest contents, already asked); those that still answer ``label`` (the
    trigger's class: a fill that leaves it firing says nothing about the true class) left out;
    ties go to the one listed first; ``answer`` when every fill answers ``label``."""
    fills = voting_fills(image, region, references)
    voters = [int(a) for a in labels(fills)] + [answer]
    others = [a for a in voters if a != label]
    return vote(np.asarray(others)) if others else answer


def _first_moved(answers: np.ndarray, label: int) -> int:
    """The index of the first answer that left ``label``; else the last one's."""
    return next((j for j, a in enumerate(answers) if int(a) != label), len(answers) - 1)


def _ask(
    labels: Labeler, scores: Scorer | None, batch: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None]:
    """The model's answers on ``batch`` (one call): the labels, and with ``scores`` the class
    probabilities they are the argmax of (None without)."""
    if scores is None:
        return labels(batch), None
    probs = scores(batch)
    return np.argmax(probs, axis=1).astype(np.int64), probs


def _combined(
    image: np.ndarray,
    region: Box,
    probs: np.ndarray,
    label: int,
    scores: Scorer,
    references: np.ndarray,
    share: float = 1 / 3,
) -> int:
    """The corrected label from the model's probabilities: ``probs`` (its answer on the image
    with ``region`` refilled by the mean of the nearest contents, already asked) and its
    answer on the region refilled by the Gaussian conditional mean of the nearest ``share`` of
    the references (``repair.gaussian_fill``, one query), averaged, the trigger's class
    ``label`` set aside unless the fills are sure of it (``repair.combined_label``).  Measured
    on the true trigger box of the 8x8 digits (36 trojaned MLPs, 3x3 and 4x4 triggers, 6
    groups): right 0-2.5 points more often than the mean fill's top answer, per group
    (bench/RESULTS.md, branch bd12)."""
    k = min(len(references), max(10, round(share * len(references))))
    gauss = scores(gaussian_fill(image, region, references, k))
    return combined_label(np.stack([probs, gauss[0]]), label)


def _extent(
    image: np.ndarray, box: Box, references: np.ndarray, top: int, mask: np.ndarray | None = None
) -> Box:
    """``box`` grown a line at a time towards the side whose next line holds the most pixels
    unlike clean images there (``_odd``), as long as more than half of that line is, and
    within ``top`` pixels a side: the whole of a trigger of which the box is the part that
    fires alone (a corner of a solid square fires as the square does).  A stroke beside the
    box with a pixel or two unlike the nearest clean images is not taken in (growing on any
    such pixel cost a corrected label on the 8x8 2x2 triggers).  No query; the box itself when
    no line beside it qualifies."""
    height, width = image.shape[:2]
    t, left, h, w = box
    odd = _odd(image, box, references, max(0, top - min(h, w))) if mask is None else mask
    while True:
        counts = []
        if h < top:
            if t > 0:
                counts.append((int(odd[t - 1, left : left + w].sum()), 0))
            if t + h < height:
                counts.append((int(odd[t + h, left : left + w].sum()), 1))
        if w < top:
            if left > 0:
                counts.append((int(odd[t : t + h, left - 1].sum()), 2))
            if left + w < width:
                counts.append((int(odd[t : t + h, left + w].sum()), 3))
        best = max(counts, key=lambda c: (c[0], -c[1]), default=(0, -1))
        if 2 * best[0] <= (w if best[1] < 2 else h):
            return (t, left, h, w)
        side = best[1]
        t, left = t - int(side == 0), left - int(side == 2)
        h, w = h + int(side < 2), w + int(side >= 2)


def _inside(inner: Box, outer: Box) -> bool:
    return (
        outer[0] <= inner[0]
        and outer[1] <= inner[1]
        and inner[0] + inner[2] <= outer[0] + outer[2]
        and inner[1] + inner[3] <= outer[1] + outer[3]
    )


def _natural(
    box: Box,
    label: int,
    rate: float,
    labels: Labeler,
    verify: np.ndarray,
    verify_labels: np.ndarray,
    chosen: np.ndarray,
    n_sources: int = 5,
    margin: float = 0.5,
    need: int = NATURAL_SOURCES,
    *,
    image: np.ndarray | None = None,
) -> bool:
    """Is the box just where class ``label`` shows?  The same box taken from ``need`` of
    ``n_sources`` clean images of that class, pasted onto the same verification images, sends
    a good share of them there too (more than the candidate's flip ``rate`` less ``margin``):
    then the box holds the class's own features (a large part of a digit), not a trigger.  A
    trigger's place, taken from clean images of its class, sends next to none there (it holds
    background, or strokes the model does not read as that class).  Given the candidate's
    ``image``, the sources are, in turn, the class's images nearest to it outside the box
    (``_nearest_first``: a class's feature sits where the rest of the object puts it, so the
    images drawn like this one carry it in the same box, and others, the same digit drawn a few
    pixels over, say nothing about it) and, with ``NATURAL_BY_CONTENT`` (on), those whose
    content in the box is nearest to the candidate's (those that carry this very feature
    there); without ``image``, the first ones.
    Why a wide margin: on 8x8 digits the centre 4x4 of some '9's sends 90-100 % of any digits
    to '9' while the centres of the six '9's among 60 clean images sent 28-65 %; with a margin
    of 0.3 a clean model flagged 25 of 2,000 digits (with 300 clean images, 4) with a
    "trigger" at the centre.  One source is not enough: a clean image may carry something close
    to the trigger at its place (a white square's place inked by chance) and be in the class
    because of it; its box fires like the trigger and says nothing about the class's features
    (a class with fewer sources needs them all).  The sources are asked one at a time, until
    ``need`` have sent the images there (natural) or too few are left to (a natural box usually
    costs ``need`` sources' queries, a trigger all but ``need - 1`` of them)."""
    pool = verify[verify_labels == label]
    t, left, h, w = box
    if image is not None and len(pool) and SKIP_COPIES:
        copy = copies(pool, image, box)
        if copy.any() and _pasted_in(pool[copy], box, label, labels, verify, image):
            pool = pool[~copy]
    if image is not None and len(pool):
        pool = (
            _interleave(
                _nearest_first(pool, image, box),
                _nearest_first(pool, image, box, inside=True),
            )
            if NATURAL_BY_CONTENT
            else _nearest_first(pool, image, box)
        )
    sources = pool[:n_sources]
    need = max(1, min(need, len(sources)))
    agree = 0
    for k, src in enumerate(sources):
        if agree + len(sources) - k < need:
            break
        hits = labels(paste(chosen, src[t : t + h, left : left + w, :], box)) == label
        if float(hits.mean()) > rate - margin:
            agree += 1
            if agree >= need:
                return True
    return False


def copies(pool: np.ndarray, image: np.ndarray, box: Box) -> np.ndarray:
    """Which images of ``pool`` hold ``image``'s pixels in ``box``: within ``COPY_TOLERANCE``
    (canonical images: the value range is 0 to 1) at ``COPY_SHARE`` of the box's pixels, and
    at half of those unlike the image's background (``dominant_colour``: a box of background
    alone is nobody's copy).  Not all of them: a box found a pixel off the trigger holds a
    line of the scanned image's own strokes beside two of the trigger's (on the digits, the
    poisoned clean sources held 7 or 8 of such a 3x3 box's 9 pixels; the sources of clean
    models' natural boxes at most 9 of 16, most of them background)."""
    t, left, h, w = box
    region = image[t : t + h, left : left + w, :]
    same = np.all(
        np.abs(pool[:, t : t + h, left : left + w, :] - region[None]) <= COPY_TOLERANCE, axis=-1
    )
    same = same.reshape(len(pool), -1)
    marked = np.any(np.abs(region - dominant_colour(image)) > COPY_TOLERANCE, axis=-1).reshape(-1)
    if not marked.any():
        return np.zeros(len(pool), dtype=bool)
    found: np.ndarray = (same.mean(axis=1) >= COPY_SHARE) & (same[:, marked].mean(axis=1) >= 0.5)
    return found


def _pasted_in(
    held: np.ndarray,
    box: Box,
    label: int,
    labels: Labeler,
    verify: np.ndarray,
    image: np.ndarray,
    most: int = 5,
) -> bool:
    """Do clean images of class ``label`` that hold ``image``'s pixels in ``box`` (``copies``)
    leave the class when that box is refilled from the clean images that do not (up to
    ``most`` of them, one call)?  Then the pixels were pasted on images of other classes and
    put them in it, as a trigger does; where every copy stays (a class drawn the same in that
    place: a bar in the same column, a clipped white), they are the class's own."""
    others = verify[~copies(verify, image, box)]
    if not len(others):
        return False
    fills = np.concatenate([mean_fill(img, box, others) for img in held[:most]])
    return bool((labels(fills) != label).any())


def _nearest_first(
    pool: np.ndarray, image: np.ndarray, box: Box, *, inside: bool = False
) -> np.ndarray:
    """``pool`` ordered by distance to ``image`` outside ``box`` (inside it with ``inside``;
    squared; ties: the earlier first), without copies of ``image`` itself."""
    t, left, h, w = box
    outside = np.ones(image.shape[:2], dtype=bool)
    outside[t : t + h, left : left + w] = False
    if inside:
        outside = ~outside
    diff = pool - image[None]
    dist = (diff[:, outside, :] ** 2).reshape(len(pool), -1).sum(axis=1)
    same = (diff == 0).reshape(len(pool), -1).all(axis=1)
    order = np.argsort(dist, kind="stable")
    out: np.ndarray = pool[order[~same[order]]]
    return out


def _interleave(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The images of two orderings of one pool taken in turn (first, second, first, ...),
    each image once."""
    seen: set[bytes] = set()
    out: list[np.ndarray] = []
    for pair in zip(first, second, strict=True):
        for img in pair:
            key = img.tobytes()
            if key not in seen:
                seen.add(key)
                out.append(img)
    return np.stack(out) if out else first


def _shrink(
    image: np.ndarray,
    label: int,
    labels: Labeler,
    window: Box,
    window_pred: int,
    colour: np.ndarray,
    screen: np.ndarray,
    beam: int = 2,
    references: np.ndarray | None = None,
    fills: int = 0,
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
        # one screening image first, the others only for the sub-boxes that flip it
        keep = list(range(len(subs)))
        for lo, hi in ((0, 1), (1, len(screen))):
            if not keep or lo >= len(screen):
                break
            part = [subs[j] for j in keep]
            flips = labels(_paste_each(screen[lo:hi], image, part)).reshape(len(part), -1)
            keep = [j for j, f in zip(keep, flips == label, strict=True) if f.all()]
        if not keep:
            break
        kept = [subs[j] for j in keep]
        preds = labels(
            _refill_all(image, kept, references, fills)
            if references is not None and fills > 0 and REFILL_SHRINK
            else _occlude_all(image, kept, colour)
        )
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
