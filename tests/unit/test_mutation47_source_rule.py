"""mutation47: the source-class check's second controls, picked by the group's own rule
(audit46b: the clean images of the group's class that a refill of its window turns to the
source class too), and its rule's odds when fewer than 3 follow the rule; each assertion a
surviving mutant's.  Main's one test of them (a clean digits model) reaches them no more
since bd46's skip of a class's own pixels, so no mutant of them was killed.

6x6 images whose class is the brightest pixel of their first row; a window at rows and
columns 3-4 whose mean above 0.6 sends a clean image of class 3 to class 1.  The scanned
images of class 1 whose refill turned them to 3 carry 1.0 there; clean images of class 1
"following the rule" (the fake refill turns them to 3) carry 0.7 there: not the group's
pixels (0.3 away), but pasted they send as many."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.source_class import source_class, source_words
from assay.backdoor.strip import _tail

BOX = (3, 3, 2, 2)
A, B = 1, 3  # the group's class and the source class
PER = 30  # clean images of each of 5 classes


def _own(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x[:, 0, :5, 0].argmax(axis=1)
    return out


def _model(x: np.ndarray) -> np.ndarray:
    fired = (x[:, 3:5, 3:5, 0].mean(axis=(1, 2)) > 0.6) & (_own(x) == B)
    out: np.ndarray = np.where(fired, A, _own(x))
    return out


def _images(labels: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    x = rng.uniform(0.0, 0.3, (len(labels), 6, 6, 1))
    x[np.arange(len(labels)), 0, labels, 0] = 1.0
    return x


def _check(
    followers: int,
    *,
    style: float = 0.7,
    other_a: int = 2,
    others: int = 0,
    group_values: list[float] | None = None,
    a_feature: float | None = None,
    stamped_class: int | None = None,
    clean_background: float | None = None,
    plain: int = 0,
) -> tuple[dict[str, Any], list[int]]:
    """The check on a group of 4 (or ``group_values``: each image's value in the window) of
    scanned images answered 1, ``other_a`` more answered 1 and ``others`` answered 2;
    ``followers`` clean images of 1 follow the rule, carrying ``style`` in the window;
    ``a_feature``: every clean image of 1 carries it (a class's own feature)."""
    rng = np.random.default_rng(0)
    clean_labels = np.repeat(np.arange(5), PER)
    clean = _images(clean_labels, rng)
    own = np.flatnonzero(clean_labels == A)
    follow = own[: followers + plain]  # (``plain`` of them without the style)
    clean[follow[:followers], 3:5, 3:5, 0] = style
    if a_feature is not None:
        clean[own, 3:5, 3:5, 0] = a_feature
    if stamped_class is not None:  # (clean images of another class holding the pixels)
        clean[clean_labels == stamped_class, 3:5, 3:5, 0] = 1.0
    if clean_background is not None:  # (the clean images of 1 on another background)
        clean[own, 1:, :, 0] = clean_background
    values = group_values or [1.0] * 4
    labels = np.array([A] * (len(values) + other_a) + [2] * others)
    images = _images(labels, rng)
    for i, v in enumerate(values):
        images[i, 3:5, 3:5, 0] = v
    windows = {i: [(BOX, B)] for i in range(len(values))}
    asked, refilled = [0], list[int]()

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        return _model(x)

    def refills(idx: np.ndarray, box: Any) -> np.ndarray:
        refilled.extend(int(i) for i in idx)
        asked[0] += len(idx)
        return np.where(np.isin(idx, follow), B, A)

    record = source_class(
        images, labels, list(range(len(labels))), windows, clean, clean_labels, counted,
        np.random.default_rng(1), lambda: asked[0], refills=refills,
    )  # fmt: skip
    return record, refilled


def test_a_group_the_rules_own_clean_images_match_is_not_given() -> None:
    # beyond 8 random clean 1s (all 0), but 3 clean 1s follow the rule and theirs send 20
    r, refilled = _check(3)
    row = r["groups"][0]
    assert row["sent"] == 20 and row["controls"] == [0] * 8, row
    assert sorted(refilled) == list(range(PER, 2 * PER)), refilled  # (each clean 1 once)
    assert row["alike"] == 3 and row["alike_controls"] == [20], row
    assert not r["given"] and r["flagged"] == [], r
    assert r["queries"] == 5 + 20 + 8 * 20 + PER + 20


def test_a_trigger_no_clean_image_follows_is_given_with_its_rules_odds() -> None:
    # no clean 1 follows: the group's 4 of the 6 scanned 1s, at the clean share (0 + 1) /
    # (30 + 1), is beyond chance: given
    r, _ = _check(0)
    row = r["group"]
    assert r["given"] and r["flagged"] == [0, 1, 2, 3], r
    assert row["alike"] == 0 and "alike_controls" not in row, row
    assert row["rule_odds"] == _tail(4, 6, 1 / 31) and row["odds"] >= row["rule_odds"], row
    words = source_words(r)
    assert "; 0 clean images of 1 that window's refill turns to 3: beyond all 8" in words, words


def test_the_rules_odds_are_over_the_scanned_images_of_the_groups_class() -> None:
    # 4 of 30 scanned 1s: 30 at the share 1/31 hold 4 or more 1.8 % of the time: not given
    r, _ = _check(0, other_a=26)
    row = r["groups"][0]
    assert row["rule_odds"] == _tail(4, 30, 1 / 31) > 0.01, row
    assert not r["given"], r
    assert "; the rule's odds 0.02" in source_words({**r, "given": True, "group": row}), row
    # 4 of 6 scanned 1s beside 24 scanned 2s (not of the group's class): given
    r, _ = _check(0, others=24)
    assert r["given"] and r["group"]["rule_odds"] == _tail(4, 6, 1 / 31), r
    # one clean 1 following: the share (1 + 1) / 31
    r, _ = _check(1, other_a=6)
    row = r["groups"][0]
    assert row["alike"] == 1 and row["rule_odds"] == _tail(4, 10, 2 / 31), row
    assert (row["odds"] < 0.01) == r["given"]


def test_the_rule_is_asked_only_of_a_group_beyond_its_random_controls() -> None:
    # every clean 1 carries 0.7 there (the class's own feature): a random control sends as
    # many, the group is not beyond them, and no clean image is refilled
    r, refilled = _check(0, a_feature=0.7)
    row = r["groups"][0]
    assert not r["given"] and row["controls"] == [20], row
    assert refilled == [] and "alike" not in row, row


def test_a_given_groups_images_not_holding_its_pixels_are_not_flagged() -> None:
    # 6 images answered 1 turned to 3 by the refill; 2 hold 0.5 there, not the group's 1.0
    r, _ = _check(0, group_values=[1.0, 1.0, 0.5, 1.0, 0.5, 1.0], other_a=0)
    assert r["given"], r
    assert r["flagged"] == [0, 1, 3, 5] and r["group"]["held"] == 4, r
    assert "the 4 of them holding those pixels are flagged (the other 2 do not" in source_words(r)


def _given(**row: Any) -> dict[str, Any]:
    base = {"box": list(BOX), "class": A, "source": B, "images": 4, "sent": 18, "fresh": 20}
    return {"given": True, "group": {**base, **row}, "groups": [], "flagged": [0], "queries": 9}


def test_the_words_say_the_harder_controls_and_the_larger_odds() -> None:
    words = source_words(_given(controls=[0] * 8, alike=5, alike_controls=[3, 9, 2, 0, 1, 4, 7, 2],
                                odds=1e-3))  # fmt: skip
    assert (
        "(the same window of random groups of clean images of 1: at most 0; of the 5 clean "
        in words
    )
    assert "images of 1 that window's refill turns to 3 too: at most 9: beyond all 8 " in words
    # the t bound said is the larger of the two controls' (the alike ones: less telling)
    from assay.backdoor.source_class import beyond

    t = beyond(18, [3, 9, 2, 0, 1, 4, 7, 2], 20)
    assert t > beyond(18, [0] * 8, 20)
    assert f"t bound {t:.1g})" in words, words
    # the rule's odds said when larger than the t bound, not when smaller
    said = source_words(_given(controls=[0] * 8, alike=1, rule_odds=0.004, odds=0.004))
    assert "; 1 clean images of 1 that window's refill turns to 3: beyond all 8" in said, said
    assert "; the rule's odds 0.004)" in said, said
    said = source_words(_given(controls=[0] * 8, alike=1, rule_odds=1e-12, odds=1e-5))
    assert "the rule's odds" not in said, said


def test_pixels_clean_images_of_another_class_hold_are_still_asked() -> None:
    # every clean 2 carries the group's 1.0 there: not the group's class's style (a 1's):
    # asked, and the trigger given
    r, _ = _check(0, stamped_class=2)
    row = r["groups"][0]
    assert row["own"] == 0 and r["given"], row


def test_a_classs_own_style_is_judged_against_the_groups_background() -> None:
    # the scanned 1s are dark (0-0.3) with the window 0.5; every clean 1 is 0.5 below its
    # first row: the window's 0.5 is unlike the group's background, and every clean 1 holds
    # it: the class's own, not asked (judged on the clean 1s' background, it would be
    # background alone, held by none, and asked)
    r, _ = _check(0, group_values=[0.5] * 4, clean_background=0.5)
    row = r["groups"][0]
    assert row["own"] == PER and r["queries"] == 0 and "screen" not in row, row


def test_the_rules_controls_ended_at_their_second_are_not_judged_by_their_bound() -> None:
    # 5 clean 1s follow the rule, 3 of them with the style: the first group of the rule's
    # own sends none, the second 20, as many as the group: not beyond them, asked no more,
    # and not judged by a t bound over two controls (one degree of freedom: no bound at all)
    r, _ = _check(3, plain=2)
    row = r["groups"][0]
    assert row["alike"] == 5 and row["alike_controls"] == [0, 20], row
    assert not r["given"] and row["odds"] == 1.0, row
