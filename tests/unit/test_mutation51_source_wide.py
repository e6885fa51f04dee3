"""mutation51: the source-class check's scattered groups past their pick (scan50's wiring in
``source_class``), which mutation50b's J10, J11, J14 and J17 left: the clean images the pick
asked are left out of those the group is judged on, a source class left with too few is
short, and the clean images of ``a`` a scattered group's rule picks (``_follow``) are those
whose answer the window's refill *changes* (to any class), said so in the words.

6x6 images whose class is the brightest pixel of their first row; a window at rows and
columns 3-4 whose mean above 0.6 sends a clean image of class 3 to class 1 (mutation47's
model, its ``A`` and ``B``).  Six scanned images answered 1 carry 1.0 there; a 5x5 window
(25 of 36 pixels: ``wide``) refilled turned them to four classes, none of them half: a
scattered group, its source named 3 by the pick."""

from __future__ import annotations

from typing import Any

import numpy as np
from test_mutation47_source_rule import A, B, _images, _model

from assay.backdoor.class_map import MIN_GROUP
from assay.backdoor.source_class import FRESH, SCREEN, source_class, source_words
from assay.backdoor.source_pick import PICK, wide

WIDE = (1, 0, 5, 5)  # rows 1-5, columns 0-4: the class's row left whole
PER = 30  # clean images of each class but B
SPREAD = [B, 0, 2, 4, 0, 2]  # the group's answers after the refill: no one holds half


def _check(
    *, n_source: int = PER, followers: int = 0, to: int = 2, seed: int = 0
) -> tuple[dict[str, Any], list[int]]:
    """The check on the scattered group; ``n_source`` clean images of B; ``followers`` clean
    images of A whose refill answers ``to`` carry 0.7 in the window (their pixels, pasted,
    send as many as the group's).  Also: the clean images each call of the pick asked."""
    rng = np.random.default_rng(seed)
    clean_labels = np.concatenate(
        [np.repeat([c for c in range(5) if c != B], PER), np.full(n_source, B)]
    )
    clean = _images(clean_labels, rng)
    own = np.flatnonzero(clean_labels == A)
    clean[own[:followers], 3:5, 3:5, 0] = 0.7
    labels = np.full(len(SPREAD), A)
    images = _images(labels, rng)
    images[:, 3:5, 3:5, 0] = 1.0
    windows = {i: [(WIDE, b)] for i, b in enumerate(SPREAD)}
    asked, calls = [0], list[list[int]]()

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        # (which clean images were asked: their first row, outside the window, is their own)
        calls.append([int(np.flatnonzero((clean[:, 0] == x[j, 0]).all(axis=(1, 2)))[0])
                      for j in range(len(x))])  # fmt: skip
        return _model(x)

    def refills(idx: np.ndarray, box: Any) -> np.ndarray:
        asked[0] += len(idx)
        return np.where(np.isin(idx, own[:followers]), to, A)

    record = source_class(
        images, labels, list(range(len(labels))), windows, clean, clean_labels, counted,
        np.random.default_rng(seed + 1), lambda: asked[0], refills=refills,
    )  # fmt: skip
    return record | {"calls": calls}, [int(i) for i in np.flatnonzero(clean_labels == B)]


def test_the_group_is_scattered_at_a_wide_window() -> None:
    assert wide(WIDE, (6, 6, 1))
    # more than half the image's pixels: exactly half is not (J19)
    assert not wide((0, 0, 3, 6), (6, 6, 1)) and wide((0, 0, 4, 5), (6, 6, 1))
    r, _ = _check()
    row = r["group"]
    assert r["given"] and row["wide"] and row["source"] == B, r
    assert r["flagged"] == list(range(len(SPREAD)))


def test_the_images_the_pick_asked_are_not_judged_again() -> None:
    # B's clean images, PICK of them asked by the pick: the group is screened and counted on
    # the others only (J10: the picked ones counted again, flattering the group's count)
    for n in (SCREEN + MIN_GROUP + PICK, PER):
        r, of_b = _check(n_source=n)
        row = r["group"]
        assert row["fresh"] == min(FRESH, n - PICK - SCREEN), row
        pick, screen, fresh = r["calls"][:3]
        picked = {i for i in pick if i in of_b}
        assert len(picked) == PICK
        judged = set(screen) | set(fresh)
        assert len(judged) == SCREEN + row["fresh"] and not judged & picked, (picked, judged)


def test_a_source_left_with_too_few_images_after_the_pick_is_short() -> None:
    # one image fewer: after the pick, B has fewer than SCREEN + MIN_GROUP left (J14: judged
    # on MIN_GROUP - 1 fresh images and given)
    r, _ = _check(n_source=SCREEN + MIN_GROUP + PICK - 1)
    (row,) = r["groups"]
    assert row["source"] == B and row.get("short") and "screen" not in row, row
    assert not r["given"] and r["flagged"] == [], r
    assert "UNDECIDED" not in source_words(r)  # (short: not a bound the images set)


def test_the_rule_of_a_scattered_group_is_a_changed_answer() -> None:
    # three clean 1s whose refill answers 2 (not the source 3) follow a scattered group's
    # rule, and their pixels send as many as the group's: not given (J11: the rule read as
    # "turned to 3", none followed it, and the group was given on the rule's odds)
    r, _ = _check(followers=3, to=2)
    (row,) = r["groups"]
    assert row["alike"] == 3 and row["alike_controls"] == [row["sent"]], row
    assert not r["given"], r
    # refilled to the source class, they follow it too
    r, _ = _check(followers=3, to=B)
    assert r["groups"][0]["alike"] == 3 and not r["given"], r


def test_the_words_say_the_scattered_groups_rule() -> None:
    # no clean 1 follows the rule: given on its odds, the rule said as the window's (J17:
    # "that window's refill turns to 3", the rule of a group it names no class for)
    r, _ = _check()
    row = r["group"]
    assert row["alike"] == 0 and "rule_odds" in row, row
    words = source_words(r)
    assert "; 0 clean images of 1 whose answer that window's refill changes" in words, words
    assert "refill turns to 3" not in words, words
    r, _ = _check(followers=2, to=4)
    assert r["group"]["alike"] == 2, r["group"]
    assert "; 2 clean images of 1 whose answer that window's refill changes" in source_words(r)
