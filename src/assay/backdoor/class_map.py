"""A place whose content in the unconfirmed images moves clean images each to another class.

An all-to-all trojan's trigger sends each class ``k`` to another class (``k + 1``): pasted on
clean images of other classes it sends none of them to the image's class, so the patch scan's
screening (which wants them sent there) drops it, and STRIP's blends spread its answers as a
clean image's (attack45b: 0 of 20 triggered digits flagged, exit 0).  But it is the same
pixels at the same place in every image it was planted in.  The patch scan already asked, for
every scanned image, which coarse windows, refilled from the nearest clean images, change its
answer (``assay_scan``'s first call: no query more); the images whose answer a window's refill
changed and that the scan did not confirm are a window's *group*.  For the ``TOP`` windows of
the largest groups (``MIN_GROUP`` images or more), the group's pixel-wise median at the window
is kept where the group agrees (median absolute deviation under ``AGREE``; elsewhere a base
keeps its own pixels) and pasted on clean images of every class, one of each (``screen``).
The *map score* of a paste is how many bases it moves off their own class consistently, as a
permutation does: each source class credited with the bases sent to its most common other
class, each destination credited to one source class only (a natural feature, or a patch
trigger, sends every class to one class: credited once).

A window whose screen scores at least half of the classes is asked on ``PER_CLASS`` fresh
clean images of each class, beside ``CONTROLS`` control patterns from the null: the same
window's agreed median of random groups of clean images of the group's size.  The window is
given when its score stands beyond the controls' by a Student ``t`` prediction bound
(``common_pattern.beyond_controls``) at ``STRIP_ODDS`` split over the windows asked, and
moves at least a third of the bases (``SCREEN_OF``, ``MOVED_OF``: more than half and half
before scan51, which lost a 32x32 all-to-all CNN whose trigger fires on 40 % of the images:
screens of 5 of 10, fresh counts of 11-14 of 30 against controls of 0-2).  On the 8x8 and
16x16 digits MLPs the clean twins' screens scored at most 4 of 10 (none asked further); the
all-to-all trojans' 6-10 of 10, then 20-29 of 30 against controls of 0-3 (bench/RESULTS.md,
bd45).

Unlike the source-class check, a window whose agreed pixels clean images hold is asked: its
screen is its guard against a class's style (a stroke sends other classes to its one class,
credited once: on bd46's 144 runs every clean window's screen scored 0-3 of 10 classes, 6
needed; only the 5 all-to-all trojans' scored more, 8).  Skipping such windows moved no
decision there, but with 3 or 5 stamped images in ``--clean`` (a sample of live traffic) it
lost the all-to-all trojans in 5 of 6 runs that are found without it (bd46b; the
source-class check's quiet words name the clean images holding a group it skipped).

The images of a given window's group that hold its agreed pixels (``held``: a trigger is the
same pixels in every image) are flagged, when ``MIN_GROUP`` or more do; else the whole group
(not located: some may be clean images whose answer that window changes).  A trigger at a
different place in each image, or smaller than what the window's refill needs to change the
answer, is not judged here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.common_pattern import beyond_controls
from assay.backdoor.control_odds import odds_words
from assay.backdoor.patches import Box, dominant_colour
from assay.backdoor.strip import STRIP_ODDS

__all__ = [
    "CLASS_MAP",
    "Windows",
    "agreed",
    "class_map",
    "map_words",
    "most_map_queries",
    "not_given_words",
    "put",
    "windows_not_asked",
]

MIN_GROUP = 3  # unconfirmed images whose answer the window's refill changed, the fewest judged
TOP = 3  # windows of the largest groups asked
AGREE = 0.1  # a pixel kept where the group's median absolute deviation is under this
HOLD = 0.2  # an image holds an agreed pixel within this (``held``)
HOLD_SHARE = 0.75  # of the agreed pixels, and of those unlike the background, an image holds
PER_CLASS = 3  # fresh clean images of each class the window is confirmed on
SCREEN_OF = 2  # a window's screen moving at least 1 / SCREEN_OF of the classes is asked further
MOVED_OF = 3  # and given when it moves at least 1 / MOVED_OF of the fresh bases (scan51)
CONTROLS = 8  # random groups of clean images, their agreed median pasted as the window's
CLASS_MAP = "assay-class-map"  # its findings' ``strategy``

Labeller = Callable[[np.ndarray], np.ndarray]


Windows = dict[int, list[tuple[Box, int]]]
"""Each image's coarse windows whose refill changed its answer, with the answer then."""


def groups(left: list[int], windows: Windows) -> list[tuple[Box, list[int]]]:
    """The ``TOP`` windows of the largest groups (``MIN_GROUP`` or more images of ``left``
    whose answer their refill changed), largest first (ties: the first window)."""
    by_box: dict[Box, list[int]] = {}
    for i in left:
        for box, _ in windows.get(i, []):
            by_box.setdefault(box, []).append(i)
    big = [(b, g) for b, g in by_box.items() if len(g) >= MIN_GROUP]
    return sorted(big, key=lambda bg: -len(bg[1]))[:TOP]


def most_map_queries(left: list[int], windows: Windows, n_classes: int) -> int:
    """The most queries ``class_map`` asks on these images."""
    return len(groups(left, windows)) * n_classes * (1 + PER_CLASS * (1 + CONTROLS))


def agreed(stack: np.ndarray) -> np.ndarray:
    """The pixel-wise median of ``stack`` (n, h, w, C), NaN where the images disagree."""
    med = np.median(stack, axis=0)
    mad = np.median(np.abs(stack - med), axis=0).max(axis=-1, keepdims=True)
    out: np.ndarray = np.where(mad < AGREE, med, np.nan)
    return out


def held(images: np.ndarray, pattern: np.ndarray, box: Box, background: np.ndarray) -> np.ndarray:
    """Which of ``images`` hold ``pattern`` (``agreed``) at ``box``: within ``HOLD`` at
    ``HOLD_SHARE`` of its agreed pixels and of those unlike ``background`` (a pattern of
    background alone is nobody's: none hold it).  A trigger is the same pixels in every image
    it was planted in: the all-to-all digits' stamped images held 91-100 % of the window's
    agreed pixels, the clean images that window moved at most 45 % (bd46)."""
    t, left, h, w = box
    keep = ~np.isnan(pattern).any(axis=-1)
    marked = keep & (np.abs(np.nan_to_num(pattern) - background).max(axis=-1) > HOLD)
    if not marked.any():
        return np.zeros(len(images), dtype=bool)
    near = (np.abs(images[:, t : t + h, left : left + w] - pattern) <= HOLD).all(axis=-1)
    found: np.ndarray = (near[:, keep].mean(axis=1) >= HOLD_SHARE) & (
        near[:, marked].mean(axis=1) >= HOLD_SHARE
    )
    return found


def background(images: np.ndarray) -> np.ndarray:
    """The images' (n, H, W, C) background: the median of their dominant colours."""
    out: np.ndarray = np.median(np.stack([dominant_colour(x) for x in images]), axis=0)
    return out


def holders(
    images: np.ndarray, group: list[int], pattern: np.ndarray, box: Box, row: dict[str, Any]
) -> list[int]:
    """The images of a given ``group`` (indices into ``images``) flagged: those that hold
    its ``pattern``, when ``MIN_GROUP`` or more do (``row["held"]``: how many); else the
    whole group (not located: ``row["held"]`` 0)."""
    stack = images[np.asarray(group)]
    hold = held(stack, pattern, box, background(stack))
    if hold.sum() < MIN_GROUP:
        row["held"] = 0
        return sorted(group)
    row["held"] = int(hold.sum())
    return sorted(np.asarray(group)[hold].tolist())


def flagged_words(row: dict[str, Any], unlocated: str) -> str:
    """What a given check's flags are: the images holding the pattern, or (``unlocated``)
    the whole group."""
    if row.get("held") and row["held"] < row["images"]:
        return (
            f"the {row['held']} of them holding those pixels are flagged (the other "
            f"{row['images'] - row['held']} do not: not flagged)"
        )
    if row.get("held"):
        return f"all {row['held']} hold those pixels and are flagged"
    return unlocated


def put(images: np.ndarray, pattern: np.ndarray, box: Box) -> np.ndarray:
    """Copies of ``images`` with ``pattern``'s agreed (not NaN) pixels at ``box``."""
    t, left, h, w = box
    out = images.copy()
    region = out[:, t : t + h, left : left + w]
    keep = ~np.isnan(pattern)
    region[:, keep] = np.broadcast_to(pattern, region.shape)[:, keep]
    return out


def map_score(answers: np.ndarray, own: np.ndarray) -> int:
    """Bases moved off their own class as a permutation moves them: each source class's
    most common other answer, each destination credited to one source class (the largest)."""
    pairs: list[tuple[int, int]] = []  # (count, destination)
    for c in np.unique(own).tolist():
        moved = answers[(own == c) & (answers != c)]
        if len(moved):
            values, counts = np.unique(moved, return_counts=True)
            pairs.append((int(counts.max()), int(values[counts.argmax()])))
    used: set[int] = set()
    score = 0
    for count, dest in sorted(pairs, reverse=True):
        if dest not in used:
            used.add(dest)
            score += count
    return score


def _bases(clean_labels: np.ndarray, per: int, rng: np.random.Generator, skip: set[int]) -> Any:
    out: list[int] = []
    for c in np.unique(clean_labels).tolist():
        idx = [int(i) for i in np.flatnonzero(clean_labels == c) if int(i) not in skip]
        out += [int(i) for i in rng.permutation(idx)[:per]]
    return np.asarray(out, dtype=np.int64)


def class_map(
    images: np.ndarray,
    left: list[int],
    windows: Windows,
    clean: np.ndarray,
    clean_labels: np.ndarray,
    answers: Labeller,
    rng: np.random.Generator,
    queries: Callable[[], int],
) -> dict[str, Any]:
    """The check on the images ``left`` unconfirmed (indices into ``images``), ``windows``
    giving each one's coarse windows whose refill changed its answer, against ``clean``
    (the model's classes ``clean_labels``)."""
    q0 = queries()
    asked = groups(left, windows)
    line = STRIP_ODDS / max(1, len(asked))
    per_window: list[dict[str, Any]] = []
    given: dict[str, Any] | None = None
    flagged: list[int] = []
    patterns: dict[str, np.ndarray] = {}
    for box, group in asked:
        t, lo, h, w = box
        pattern = agreed(images[np.asarray(group)][:, t : t + h, lo : lo + w])
        screen = _bases(clean_labels, 1, rng, set())
        row: dict[str, Any] = {"box": list(box), "images": len(group), "classes": len(screen)}
        row["screen"] = map_score(answers(put(clean[screen], pattern, box)), clean_labels[screen])
        per_window.append(row)
        if row["screen"] * SCREEN_OF < len(screen):
            continue
        fresh = _bases(clean_labels, PER_CLASS, rng, set(screen.tolist()))
        own = clean_labels[fresh]
        score = map_score(answers(put(clean[fresh], pattern, box)), own)
        null = []
        for _ in range(CONTROLS):
            pick = rng.choice(len(clean), size=min(len(group), len(clean)), replace=False)
            control = agreed(clean[pick][:, t : t + h, lo : lo + w])
            null.append(map_score(answers(put(clean[fresh], control, box)), own))
        odds = beyond_controls(score, null, len(fresh)) if score * MOVED_OF >= len(fresh) else 1.0
        row.update(fresh=len(fresh), score=score, controls=null, odds=odds)
        if odds < line:
            given, flagged = row, holders(images, group, pattern, box, row)
            patterns["pattern"] = pattern
            break
    return {
        "given": given is not None,
        "windows": per_window,
        "window": given,
        "flagged": flagged,
        "queries": queries() - q0,
        "patterns": patterns,  # (the given window's agreed median: not stored with the summary)
    }


def not_given_words(record: dict[str, Any] | None, check: str, asked: str, none: str) -> str | None:
    """A check's words when it was not asked ("") , skipped, or not given (``asked``: what
    it asked, as "3 windows"; ``none``: what it found none of); None when it was given."""
    if not record:
        return ""
    if record.get("skipped"):
        return f"; the {check} check not asked ({record['skipped']})"
    if record["given"]:
        return None
    return f"; the {check} check ({asked}, {int(record.get('queries') or 0):,} queries): {none}"


# what each window check looks for, that nothing before it does (``windows_not_asked``)
_LOOKS_FOR = (
    ("map", "class-map", "sends each class to another (all-to-all)"),
    ("source", "source-class", "fires on images of one source class only"),
)


def windows_not_asked(opinion: dict[str, Any]) -> str | None:
    """Why a run whose budget left no room for the class-map or source-class check has not
    passed (``None``: each was asked, or not needed).  The opinion's budget keeps room for
    the common-pattern check's most only, so a budget the opinion fits skipped them in
    silence as to the verdict ("the class-map check not asked (the query budget left ...)",
    exit 0): nothing else looks for those triggers (left48b)."""
    for key, check, what in _LOOKS_FOR:
        record = opinion.get(key) or {}
        if "short" in record:
            return (
                f"the {check} check was not asked ({record['skipped']}), so a trigger that "
                f"{what}, which the patch scan, STRIP and the common-pattern check pass, was "
                f"not looked for; raise --max-queries by {int(record['short']):,} or more and "
                "run it again, or give --no-second-opinion to pass on patch triggers alone"
            )
    return None


def map_words(record: dict[str, Any] | None) -> str:
    """The headline's words for the check ("" when it was not asked)."""
    quiet = not_given_words(
        record,
        "class-map",
        f"{len((record or {}).get('windows') or [])} windows",
        "no place's content in the unconfirmed images moves clean images each to another class",
    )
    if quiet is not None or record is None:
        return quiet or ""
    q = int(record.get("queries") or 0)
    row = record["window"]
    t, left, h, w = row["box"]
    return (
        f"; NOT CLEAN by the class-map check ({q:,} queries): the {row['images']} unconfirmed "
        f"images whose answer a refill of the {h}x{w} window at row {t}, column {left} changes "
        f"share pixels there that move {row['score']} of {row['fresh']} clean images off their "
        f"own class, each class to one other (random groups of clean images: at most "
        f"{max(row['controls'])}: {odds_words(row['score'], row['controls'], row['odds'])}): a "
        "trigger that "
        "sends each class to another (all-to-all) is likely; "
        + flagged_words(
            row, "the images are not located (some may be clean images that window moves)"
        )
    )
