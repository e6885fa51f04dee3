"""A place whose content in the unconfirmed images sends clean images of one class to another.

A source-specific trojan's trigger fires on images of one source class only (attack45b: a
checkerboard sending '3's to '7', other classes keeping their label): pasted on clean images
of other classes it sends none of them anywhere, so every scan that judges a trigger there
passed it (0 of 20 flagged, exit 0).  The patch scan's first call already refilled every
coarse window of every image (``assay_scan``): a poisoned image answered ``a`` (the target)
with the trigger's window refilled answers ``b`` (the source).  The unconfirmed images
answered ``a`` whose refill at one window answered ``b`` are a *group*; for the ``TOP``
largest (``MIN_GROUP`` images or more), the pixels the group agrees on there
(``class_map.agreed``) are pasted on clean images of ``b`` (``SCREEN``, then ``FRESH`` more)
and those answered ``a`` counted.  Where the window's refill names no one ``b`` (a window
holding more than half the image), the group is the images whose answer it changed, its ``b``
named by what its pixels send (``source_pick``; asked after the others).

A clean model's group is images of ``a`` whose feature at that window tells them from ``b``
(a '9''s loop against a '4'): pasted on ``b`` it sends some there too.  So the control is that
feature as clean images of ``a`` hold it: ``CONTROLS`` random groups of the clean images the
model answers ``a``, of the group's size, their agreed pixels at the window pasted on the same
images of ``b``.  The group is given when its count stands beyond the controls' by a Student
``t`` prediction bound (``beyond``: its spread at least a count's on the images asked) at
``STRIP_ODDS`` split over the groups asked, and sends at least half the images of ``b``; a
control that sends as many as the group ends its asking (not given).  The images of a given
group that hold its agreed pixels are flagged (``class_map.holders``; when fewer than
``MIN_GROUP`` do, the whole group, not located: some may be clean images of ``a``).

A group's agreed pixels that ``MIN_GROUP`` or more clean images of ``a`` hold
(``class_map.held``) are ``a``'s own, in one of its styles: not asked (no query).  The random
groups of the controls agree on fewer pixels than a group chosen by a refill (its images are
alike at the window): on bd31's trojaned digits (its trigger at the bottom right sends any
digit to 7; seed 1) the 9 clean 7s whose refill at a 5x5 window turned them to 3 agreed on a
7's stem that sent 13 of 14 clean 3s to 7, random groups of clean 7s at most 3 (odds 2e-05:
the 9 flagged, exit 1); the clean twin's same group sent 13 of 13 and was not given by the
luck of one control reaching 13 (odds 0.05).  Held by 14 of 31 clean 7s, that stem is the
7's own; the planted source-specific triggers were held by none of the clean images of their
class.  But a ``--clean`` set holding triggered images (a sample of live traffic) hid a
trigger so (bd46b: attack45b's 8x8 source-specific trojans passed with 3 or 5 triggered 3s
in it).  A style is held by the scanned images of its class as often as by its clean ones; a
trigger far more often (the images carrying it are what is scanned).  So a held group is
asked all the same when the unconfirmed images answered ``a`` outside it hold its pixels
beyond the clean images' share (``_enriched``: a one-sided Fisher test at ``ENRICHED``),
its controls drawn from the clean images of ``a`` that do not hold them: attack45b's
source-0 trojan found again at 8 of 8 scan seeds with 3 or 5 triggered clean images, no
clean twin flagged (left47b).  The clean images of
``b`` bound the count: with 150 clean digits, about 10 of each class are asked, and a group
whose controls send 6 of them is not given at 9 (bd45's 16x16 source-specific trojan).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.backdoor.class_map import (
    MIN_GROUP,
    TOP,
    Windows,
    agreed,
    background,
    flagged_words,
    held,
    holders,
    not_given_words,
    put,
)
from assay.backdoor.common_pattern import beyond_controls, spreads
from assay.backdoor.control_odds import odds_words
from assay.backdoor.patches import Box
from assay.backdoor.source_content import content_odds
from assay.backdoor.source_pick import pick_queries, pick_source, scattered, wide
from assay.backdoor.strip import STRIP_ODDS, _tail

__all__ = [
    "SOURCE_CLASS",
    "most_source_queries",
    "own_style",
    "own_words",
    "source_class",
    "source_undecided",
    "source_words",
    "undecided",
]

SCREEN = 5  # clean images of the source class the group's pixels are pasted on first
FRESH = 20  # more, when SCREEN_SENT of those went to the group's class
SCREEN_SENT = 3
CONTROLS = 8  # random groups of clean images of the group's class (its own feature)
SOURCE_CLASS = "assay-source-class"  # its findings' ``strategy``
NAMED = 5  # clean images holding a skipped group's pixels named in the words (``own_words``)

Labeller = Callable[[np.ndarray], np.ndarray]


def groups(
    left: list[int], labels: np.ndarray, windows: Windows
) -> list[tuple[Box, int, int, list[int]]]:
    """The ``TOP`` largest groups (window, answer ``a``, refilled answer ``b``, images) of
    ``MIN_GROUP`` or more images of ``left``."""
    by: dict[tuple[Box, int, int], list[int]] = {}
    for i in left:
        for box, after in windows.get(i, []):
            by.setdefault((box, int(labels[i]), int(after)), []).append(i)
    big = [(k, g) for k, g in by.items() if len(g) >= MIN_GROUP]
    big.sort(key=lambda kg: -len(kg[1]))
    return [(box, a, b, g) for (box, a, b), g in big[:TOP]]


def most_source_queries(
    left: list[int],
    labels: np.ndarray,
    windows: Windows,
    clean_labels: np.ndarray,
    shape: tuple[int, ...],
) -> int:
    """The most queries ``source_class`` asks on these images (``clean_labels``: the clean
    images' classes; the clean images of a group's class are each refilled once; ``shape``:
    an image's, height and width first)."""
    own = (
        int(np.bincount(np.asarray(clean_labels, dtype=np.int64)).max()) if len(clean_labels) else 0
    )
    spread = scattered(left, labels, windows, shape)
    asked = [*groups(left, labels, windows), *spread]
    # (a group at a window over half the image counts its fresh images once more: ``content_odds``)
    large = sum(wide(g[0], shape) for g in asked)
    return (
        len(asked) * (SCREEN + FRESH * (1 + 2 * CONTROLS) + own)
        + large * FRESH
        + pick_queries(len(spread), len(np.unique(clean_labels)))
    )


def own_style(row: dict[str, Any], hold: np.ndarray, among: np.ndarray) -> bool:
    """Whether ``MIN_GROUP`` or more clean images hold a group's pixels (``hold``, over
    ``among``: their indices in the clean set), kept in ``row``: how many (``own``) and the
    first ``NAMED`` of them (``held_by``, for ``own_words``)."""
    idx = np.asarray(among)[hold]
    row["own"], row["n_own"] = len(idx), len(among)
    if len(idx) < MIN_GROUP:
        return False
    row["held_by"] = [int(i) for i in idx[:NAMED]]
    return True


def own_words(rows: list[dict[str, Any]], unit: str) -> str:
    """What a quiet check did not ask: its ``unit``s ("group") whose pixels clean images
    hold.  Taken as the clean images' own style, as a class's stroke is; but a ``--clean``
    set holding triggered images (a sample of live traffic) hides a trigger so: attack45b's
    8x8 source-specific trojans, found with 0 or 1 of them in ``--clean``, passed with 3 or 5
    (bd46b).  So the clean images holding it are named, for the user to look at; left out
    of ``--clean``, the trojans were found again."""
    skipped = [r for r in rows if r.get("own", 0) >= MIN_GROUP and "enriched" not in r]
    asked = [r for r in rows if "enriched" in r]
    if not skipped:
        return _asked_words(asked, unit)
    # (``held_names``: the images' file names, kept when ``--clean`` was image files)
    files = all("held_names" in r for r in skipped)
    called = {
        i: (str(r["held_names"][k]) if files else str(i))
        for r in skipped
        for k, i in enumerate(r["held_by"])
    }
    named = sorted(called)
    most = max(int(r["own"]) for r in skipped)
    listed = ", ".join(called[i] for i in named[:NAMED])
    how = "" if files else "; counted from 0"
    return (
        f" ({len(skipped)} {unit}(s) not asked: their pixels are held by up to {most} --clean "
        f"images ({listed}{' ...' if len(named) > NAMED else ''}{how}), taken as "
        "those images' own style; were they triggered images, a trigger there passes this "
        "check: look at them (left out of --clean, it is judged))"
    ) + _asked_words(asked, unit)


def _asked_words(asked: list[dict[str, Any]], unit: str) -> str:
    """What a quiet check says of the ``unit``s held by clean images that it asked all the
    same (``_enriched``)."""
    if not asked:
        return ""
    r = max(asked, key=lambda r: r["scan_held"] / max(1, r["scan_rest"]))
    return (
        f" ({len(asked)} {unit}(s) held by clean images asked all the same: the unconfirmed "
        f"images hold their pixels more often than those clean images do, as in "
        f"{r['scan_held']} of {r['scan_rest']} against {r['own']} of {r['n_own']} (odds "
        f"{r['enriched']:.1g}), and were judged against the clean images not holding them)"
    )


ENRICHED = STRIP_ODDS  # a held group is asked when the scanned images hold it beyond this


def _enriched(
    row: dict[str, Any],
    images: np.ndarray,
    rest: np.ndarray,
    pattern: np.ndarray,
    box: Box,
    bg: np.ndarray,
) -> bool:
    """Whether the unconfirmed images answered ``a`` outside the group (``rest``) hold a
    group's pattern beyond the share of the clean images of ``a`` holding it (``row``'s
    ``own``): a one-sided Fisher test under ``ENRICHED``, kept in ``row``."""
    k = int(held(images[rest], pattern, box, bg).sum()) if len(rest) else 0
    n_clean = int(row["n_own"])
    odds = _fisher(k, len(rest), int(row["own"]), n_clean)
    row["scan_held"], row["scan_rest"], row["enriched"] = k, len(rest), odds
    return odds < ENRICHED


def _fisher(k: int, n: int, k2: int, n2: int) -> float:
    """P(X >= k), X hypergeometric: ``n`` drawn from ``n + n2`` of which ``k + k2`` hold."""
    total, hold = n + n2, k + k2

    def log_comb(a: int, b: int) -> float:
        return math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)

    den = log_comb(total, n)
    return min(
        1.0,
        sum(
            math.exp(log_comb(hold, i) + log_comb(total - hold, n - i) - den)
            for i in range(k, min(n, hold) + 1)
            if n - i <= total - hold
        ),
    )


Refills = Callable[[np.ndarray, Box], np.ndarray]
"""Indices of clean images, a window -> the model's answers to them with the window refilled
from the other clean images (as the patch scan refills a scanned image's windows)."""


def _sent(answers: Labeller, images: np.ndarray, pattern: np.ndarray, box: Box, a: int) -> int:
    return int(np.sum(answers(put(images, pattern, box)) == a))


def beyond(sent: int, controls: list[int], n: int) -> float:
    """The odds of ``sent`` of ``n`` or more for a group from the controls' null: a Student
    ``t`` prediction bound whose spread is at least a count's on ``n`` images (controls that
    all sent the same, clean images of the class agreeing on the same pixels, are no proof
    that one image more is beyond them)."""
    return beyond_controls(sent, controls, n)


def _controls(
    answers: Labeller,
    clean: np.ndarray,
    kind: np.ndarray,
    group: tuple[int, int, Box],
    fresh: np.ndarray,
    sent: int,
    rng: np.random.Generator,
) -> list[int]:
    """How many of ``fresh`` each of ``CONTROLS`` random groups of clean images of ``kind``
    (``group``: its size, its class and its window) sends to the class with their agreed
    pixels at the window; asked no more once one sends as many as the group (``sent``)."""
    size, a, box = group
    t, lo, h, w = box
    null: list[int] = []
    for _ in range(CONTROLS):
        pick = rng.choice(kind, size=min(size, len(kind)), replace=False)
        null.append(_sent(answers, fresh, agreed(clean[pick][:, t : t + h, lo : lo + w]), box, a))
        if null[-1] >= sent:  # (a clean group sends as many: not beyond them; asked no more)
            break
    return null


def source_class(
    images: np.ndarray,
    labels: np.ndarray,
    left: list[int],
    windows: Windows,
    clean: np.ndarray,
    clean_labels: np.ndarray,
    answers: Labeller,
    rng: np.random.Generator,
    queries: Callable[[], int],
    refills: Refills | None = None,
) -> dict[str, Any]:
    """The check on the images ``left`` unconfirmed (indices into ``images``, answered
    ``labels``), against ``clean`` (the model's classes ``clean_labels``).

    The group was picked by a rule (answered ``a``, turned to ``b`` by the window's refill):
    a group beyond random clean images of ``a`` is judged again against controls picked by
    the same rule among the clean images of ``a`` (``refills``: one query each) when
    ``MIN_GROUP`` or more follow it.  A clean digits MLP's 7 of 15 scanned '7's a refill
    turns to '3' agree on the stroke that tells a '7' from a '3', and sent 15 of 18 clean
    '3's to '7' against random '7's' at most 2 ("NOT CLEAN ... odds 5e-06", exit 1); the 3
    clean '7's the rule picks send 17 (audit46b).  When fewer follow it, the group is given
    only when the scanned images of ``a`` follow the rule beyond the clean images' share at
    the same odds (a binomial tail), as a trigger's do."""
    q0 = queries()
    # (the groups whose refill named no one source class after the others: ``source_pick``)
    asked: list[tuple[Box, int, int | None, list[int]]] = [
        *groups(left, labels, windows),
        *scattered(left, labels, windows, images.shape[1:]),
    ]
    line = STRIP_ODDS / max(1, len(asked))
    rows: list[dict[str, Any]] = []
    given: dict[str, Any] | None = None
    flagged: list[int] = []
    for box, a, named, group in asked:
        t, lo, h, w = box
        own = np.flatnonzero(clean_labels == a)
        row: dict[str, Any] = {"box": list(box), "class": a, "source": named, "images": len(group)}
        rows.append(row)
        spread = named is None  # (its source named below by what its pixels send: ``source_pick``)
        row.update({"wide": True} if spread else {})
        sources = None if spread else rng.permutation(np.flatnonzero(clean_labels == named))
        if len(own) < MIN_GROUP or (sources is not None and len(sources) < SCREEN + MIN_GROUP):
            row["short"] = True  # (too few clean images of either class to judge it)
            continue
        pattern = agreed(images[np.asarray(group)][:, t : t + h, lo : lo + w])
        stack = images[np.asarray(group)]
        bg = background(stack)
        hold = held(clean[own], pattern, box, bg)
        if own_style(row, hold, own):
            rest = np.setdiff1d(np.asarray(left)[labels[left] == a], group)
            if int(np.sum(~hold)) < MIN_GROUP or not _enriched(row, images, rest, pattern, box, bg):
                row.pop("enriched", None)  # (said as not asked: ``own_words``)
                continue  # (clean images of ``a`` hold it: a's own; not asked)
            own = own[~hold]  # (its holders suspected: a's own look is its other images')
        if sources is None:
            named, sent_to, picked = pick_source(answers, clean, clean_labels, pattern, box, a, rng)
            row["source"], row["pick"] = named, [[c, k] for c, k in sorted(sent_to.items())]
            if named is None:
                continue  # (its pixels sent no clean image of any class to ``a``)
            sources = rng.permutation(np.setdiff1d(np.flatnonzero(clean_labels == named), picked))
            if len(sources) < SCREEN + MIN_GROUP:
                row["short"] = True
                continue
        assert named is not None  # (given, or named by the pick)
        b = named
        row["screen"] = _sent(answers, clean[sources[:SCREEN]], pattern, box, a)
        if row["screen"] < SCREEN_SENT:
            continue
        fresh = clean[sources[SCREEN:][:FRESH]]
        sent = _sent(answers, fresh, pattern, box, a)
        null = (
            _controls(answers, clean, own, (len(group), a, box), fresh, sent, rng)
            if sent * 2 >= len(fresh)
            else []
        )
        odds = beyond(sent, null, len(fresh)) if len(null) == CONTROLS else 1.0
        # the clean images of ``a`` the group's rule picks too (their refill answers ``b``)
        follows = own[_follow(refills(own, box), row, a, b)] if refills and odds < line else None
        if follows is not None:
            row["alike"] = len(follows)
            if len(follows) >= MIN_GROUP:  # (their groups: beyond them too)
                like = _controls(answers, clean, follows, (len(group), a, box), fresh, sent, rng)
                row["alike_controls"] = like
                odds = max(odds, beyond(sent, like, len(fresh)) if len(like) == CONTROLS else 1.0)
            else:  # (so few that the scanned images following it must be beyond their share)
                of_a = int(np.sum(np.asarray(labels)[np.asarray(left)] == a))
                row["rule_odds"] = _tail(len(group), of_a, (len(follows) + 1) / (len(own) + 1))
                odds = max(odds, row["rule_odds"])
        row.update(fresh=len(fresh), sent=sent, controls=null, odds=odds)
        if odds < line or _short(row, line):  # (at a wide window: not its class's content alone)
            shape = images.shape[1:]
            odds = max(odds, content_odds(row, answers, pattern, clean[own], fresh, shape))
            row["odds"] = odds
        if odds < line:
            given, flagged = row, holders(images, group, pattern, box, row)
            break
    return {
        "given": given is not None,
        "groups": rows,
        "group": given,
        "flagged": flagged,
        "queries": queries() - q0,
    }


def _follow(refilled: np.ndarray, row: dict[str, Any], a: int, b: int) -> np.ndarray:
    """Which clean images of ``a`` a group's rule picks, given their refilled answers: the
    refill turns them to ``b`` (a scattered group's: it changes their answer)."""
    out: np.ndarray = np.asarray(refilled) != a if row.get("wide") else np.asarray(refilled) == b
    return out


def source_words(record: dict[str, Any] | None, name: Callable[[int], str] = str) -> str:
    """The headline's words for the check ("" when it was not asked)."""
    short = undecided(record)
    quiet = not_given_words(
        record,
        "source-class",
        f"{len((record or {}).get('groups') or [])} groups",
        "no place's content in the unconfirmed images sends clean images of one class to "
        "theirs beyond that class's own features"
        if short is None
        else f"UNDECIDED: {_short_words(short, name)}: too few clean images of "
        f"{name(int(short['source']))} to judge (not a pass)",
    )
    if quiet is not None or record is None:
        return (quiet or "") + (
            own_words((record or {}).get("groups") or [], "group") if quiet else ""
        )
    q = int(record.get("queries") or 0)
    row = record["group"]
    group, a, b = _group_words(row, name)
    return (
        f"; NOT CLEAN by the source-class check ({q:,} queries): {group} send {row['sent']} of "
        f"{row['fresh']} clean images of {b} to {a} (the same window of random groups of clean "
        f"images of {a}{_held_words(row, a)}: at most {max(row['controls'])}"
        f"{_alike_words(row, a, b)}{_carried_words(row, a)}: "
        f"{_odds_words(row)}): a trigger that fires on images of {b} only is "
        "likely; "
        + flagged_words(row, "the images are not located (some may be clean images of that class)")
    )


def _odds_words(row: dict[str, Any]) -> str:
    """What the controls support (the second, when asked: the harder) beside the ``t`` bound
    (``control_odds``); the rule's odds when they are the larger."""
    controls = row.get("alike_controls") or row["controls"]
    t = max(beyond(row["sent"], c, row["fresh"]) for c in (row["controls"], controls))
    rule = row.get("rule_odds", 0.0)
    return odds_words(row["sent"], controls, t) + (
        f"; the rule's odds {rule:.1g}" if rule > t else ""
    )


def _held_words(row: dict[str, Any], a: str) -> str:
    """Which clean images the controls were drawn from, when some held the group's pixels."""
    if "enriched" not in row:
        return ""
    return (
        f" that do not hold those pixels ({row['own']} of {row['n_own']} hold them, "
        f"{row['scan_held']} of the {row['scan_rest']} other unconfirmed images answered {a}: "
        f"odds {row['enriched']:.1g} for images alike)"
    )


def _alike_words(row: dict[str, Any], a: str, b: str) -> str:
    """What the clean images of ``a`` the group's rule picks too sent, when asked."""
    like = row.get("alike_controls")
    rule = (
        "whose answer that window's refill changes"
        if row.get("wide")
        else (f"that window's refill turns to {b}")
    )
    if like:
        return f"; of the {row['alike']} clean images of {a} {rule} too: at most {max(like)}"
    if "rule_odds" in row:
        return f"; {row['alike']} clean images of {a} {rule}"
    return ""


def _carried_words(row: dict[str, Any], a: str) -> str:
    """What the group's pixels that clean images of ``a`` carry sent alone, when asked
    (``source_content``: a window over half the image)."""
    if "carried" not in row:
        return ""
    kept, agreed, sent = row["carried"]
    return (
        f"; its {kept} of {agreed} pixels that a quarter or more of the clean images of {a} "
        f"carry, alone: {sent}"
    )


def undecided(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """The first group of a check not given that the clean images of its source class
    bounded: its pixels sent every one of the ``fresh`` images counted, fewer than ``FRESH``
    (``--clean`` held too few the model answers ``b``), each of its ``CONTROLS`` controls
    fewer, and the bound, set by a count's spread on so few images (not by the controls'
    own, which more images would not narrow: ``common_pattern.spreads``), still short of the
    line: no count on those images could have given it.  attack45b's seed-1 source-specific
    trojan (source 3) with 3 or 5 triggered 3s in ``--clean``: 9 of 9 against controls of
    at most 7, odds 0.008-0.08 (the line 0.0033), in each of 16 runs, exit 0; with 150 clean
    digits more (20 counted) it is found in 14 of them (left48b).  A clean model's groups
    whose controls spread wide (5 to 15 of 16) are decided so.  None when every group was
    decided (or the check was not asked)."""
    if not record or record.get("given") or record.get("skipped"):
        return None
    rows = record.get("groups") or []
    line = STRIP_ODDS / max(1, len(rows))
    for row in rows:
        carried = row.get("carried")  # (its class's content sent as many: decided, not short)
        if _short(row, line) and not (carried and carried[2] * 2 >= int(row["fresh"])):
            return {**row, "line": line}
    return None


def _short(row: dict[str, Any], line: float) -> bool:
    """Whether a group not given was bounded by the clean images of its source class (as
    ``undecided`` says), judged at ``line``."""
    if "sent" not in row or len(row.get("controls") or []) != CONTROLS:
        return False
    fresh, sent = int(row["fresh"]), int(row["sent"])
    sets = [row["controls"], *([row["alike_controls"]] if row.get("alike_controls") else [])]
    most = max(max(c) for c in sets)
    rule = float(row.get("rule_odds", 0.0))
    if not (sent == fresh < FRESH and most < sent and row["odds"] >= line > rule):
        return False  # (a control cut short sent as many: ``most``, before any spread)
    # (the count's own spread on so few images set the bound, not the controls' spread)
    return all(own <= floor for own, floor in (spreads(c, fresh) for c in sets))


def _group_words(row: dict[str, Any], name: Callable[[int], str]) -> tuple[str, str, str]:
    """A group's words ("the 11 unconfirmed images ... share pixels there that"), its class
    and its source class, named."""
    t, left, h, w = row["box"]
    a, b = name(int(row["class"])), name(int(row["source"]))
    where = f"a refill of the {h}x{w} window at row {t}, column {left}"
    if row.get("wide"):  # (``source_pick``)
        return (
            f"the {row['images']} unconfirmed images answered {a} whose answer {where} "
            f"changes (to no one class; {b}: the class their pixels there sent most often of "
            f"clean images of each class) share pixels there that",
            a,
            b,
        )
    return (
        f"the {row['images']} unconfirmed images answered {a} that {where} turns to {b} "
        "share pixels there that",
        a,
        b,
    )


def _short_words(row: dict[str, Any], name: Callable[[int], str]) -> str:
    group, a, b = _group_words(row, name)
    return (
        f"{group} sent all "
        f"{row['fresh']} clean images of {b} counted to {a}, each of {CONTROLS} random groups "
        f"of clean images of {a} fewer (at most "
        f"{max([*row['controls'], *(row.get('alike_controls') or [])])}), but {row['fresh']} "
        f"images cannot put a count beyond them (odds {row['odds']:.1g}, {row['line']:.1g} "
        "needed)"
    )


def source_undecided(record: dict[str, Any] | None, name: Callable[[int], str] = str) -> str | None:
    """Why a run whose source-class check was ``undecided`` has not passed (``None``: it
    decided): a trigger firing on that source class only is not ruled out, and more clean
    images of it would decide (exit 2, as for a check the budget left unasked)."""
    row = undecided(record)
    if row is None:
        return None
    b = name(int(row["source"]))
    return (
        f"the source-class check could not decide: {_short_words(row, name)}; it counts "
        f"{FRESH} clean images of the source class beside the {SCREEN} of its screen, and "
        f"--clean holds {int(row['fresh']) + SCREEN} the model answers {b}, so a trigger that "
        f"fires on images of {b} only is not ruled out; give {FRESH - int(row['fresh'])} or "
        f"more clean images of {b} (--clean) and run it again"
    )
