"""mutation46: the source-class check's edges (``backdoor.source_class``), each a surviving
mutant's: its groups (window, answer, refilled answer), its cost, its screen of 5 and fresh
20 clean images of the source class apart, its 8 controls of the group's class and size (and
the asking that ends when one sends as many), and a class's own feature never given."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import assay.backdoor.source_class as sc
from assay.backdoor.class_map import agreed
from assay.backdoor.common_pattern import _t_tail
from assay.backdoor.source_class import (
    beyond,
    groups,
    most_source_queries,
    source_class,
    source_words,
)

BOX = (3, 3, 2, 2)
A, B = 1, 3  # the group's class (the trojan's target) and its source class


def _clean(per: int, rng: np.random.Generator, short: dict[int, int] | None = None) -> Any:
    counts = {c: (short or {}).get(c, per) for c in range(5)}
    labels = np.concatenate([np.full(n, c) for c, n in counts.items()])
    x = rng.uniform(0.0, 0.3, (len(labels), 6, 6, 1))
    x[np.arange(len(labels)), 0, labels, 0] = 1.0
    return x, labels


def _own(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x[:, 0, :5, 0].argmax(axis=1)
    return out


def _trojan(x: np.ndarray) -> np.ndarray:
    fired = (x[:, 3:5, 3:5, 0] > 0.95).all(axis=(1, 2)) & (_own(x) == B)
    out: np.ndarray = np.where(fired, A, _own(x))
    return out


def _check(
    answers: Any,
    *,
    per: int = 30,
    short: dict[int, int] | None = None,
    feature: float = 1.0,
    boxes: tuple[tuple[int, int, int, int], ...] = (BOX,),
) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    clean, clean_labels = _clean(per, rng, short)
    images = rng.uniform(0.0, 0.3, (6, 6, 6, 1))
    images[:, 0, A, 0] = 1.0
    images[:, 3:5, 3:5, 0] = feature
    asked = [0]

    def counted(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out: np.ndarray = answers(x)
        return out

    return source_class(
        images,
        np.full(6, A),
        list(range(6)),
        {i: [(b, B) for b in boxes] for i in range(4)},
        clean,
        clean_labels,
        counted,
        np.random.default_rng(1),
        lambda: asked[0],
    )


def test_groups_are_a_window_an_answer_and_a_refilled_answer_of_three_or_more() -> None:
    labels = np.array([1, 1, 1, 1, 2, 2, 2])
    windows = {0: [(BOX, 3)], 1: [(BOX, 3)], 2: [(BOX, 4)], 3: [(BOX, 3)]}
    windows |= {4: [(BOX, 3)], 5: [(BOX, 3)], 6: [(BOX, 3)]}
    got = groups(list(range(7)), labels, windows)
    # (1 -> 3: images 0, 1, 3; 2 -> 3: 4, 5, 6; 1 -> 4: one image, too few)
    assert sorted((a, b, g) for _, a, b, g in got) == [(1, 3, [0, 1, 3]), (2, 3, [4, 5, 6])]
    assert groups([0, 1, 3], labels, {i: [(BOX, 3)] for i in (0, 1)}) == []
    many = {i: [((i % 4, 0, 2, 2), 0)] for i in range(4 * 3)} | {
        i: [((0, 0, 2, 2), 0)] for i in range(12, 14)
    }
    sizes = [len(g) for *_, g in groups(list(range(14)), np.ones(14), many)]
    assert sizes == [5, 3, 3]  # the three largest of four, largest first


def test_the_most_queries_are_a_screen_of_5_and_20_fresh_with_8_controls_per_group() -> None:
    labels = np.ones(6)
    windows = {i: [(BOX, 3), ((0, 0, 2, 2), 2)] for i in range(3)}
    clean_labels = np.array([0, 1, 1, 1, 2])  # (the most of one class: 3, each refilled once)
    # (8 random controls and, since audit46b, 8 of the rule's own picks, on 20 fresh each)
    assert most_source_queries(list(range(3)), labels, windows, clean_labels, (8, 8)) == 2 * (
        5 + 20 * 17 + 3
    )


def test_a_source_specific_trigger_is_given_on_five_then_twenty_clean_images() -> None:
    r = _check(_trojan)
    assert r["given"], r
    row = r["group"]
    assert (row["screen"], row["fresh"], row["sent"]) == (5, 20, 20)
    assert row["controls"] == [0] * 8
    assert r["flagged"] == [0, 1, 2, 3]
    assert r["queries"] == 5 + 20 + 8 * 20
    words = source_words(r, lambda c: f"class{c}")
    assert "answered class1 that a refill of the 2x2 window at row 3, column 3" in words
    assert "turns to class3" in words and "send 20 of 20 clean images of class3 to class1" in words
    assert "at most 0: beyond all 8" in words


def test_the_screen_and_the_fresh_images_are_apart() -> None:
    seen: list[np.ndarray] = []

    def answers(x: np.ndarray) -> np.ndarray:
        seen.append(x[:, 1, :, 0].copy())  # (a row the paste leaves: each base's own)
        return _trojan(x)

    _check(answers)
    screen, fresh = seen[0], seen[1]
    assert len(screen) == 5 and len(fresh) == 20
    assert not any(np.array_equal(s, f) for s in screen for f in fresh)


def test_a_screen_sending_fewer_than_three_of_five_asks_no_more() -> None:
    calls = [0]

    def two(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        out = _trojan(x)
        if calls[0] == 1:
            out[2:] = _own(x)[2:]  # 2 of the 5 screened sent
        return out

    r = _check(two)
    assert not r["given"] and r["groups"][0]["screen"] == 2 and r["queries"] == 5
    calls[0] = 0

    def three(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        out = _trojan(x)
        if calls[0] == 1:
            out[3:] = _own(x)[3:]
        return out

    r = _check(three)
    assert r["groups"][0]["screen"] == 3 and r["given"]


def test_a_class_s_own_feature_sends_as_its_controls_do_and_is_not_given() -> None:
    # a clean model: images of 3 with class 1's feature (its window bright) are answered 1;
    # the group is class 1's images holding it, so are the clean 1s the controls are of
    def feature(x: np.ndarray) -> np.ndarray:
        lit = (x[:, 3:5, 3:5, 0] > 0.55).all(axis=(1, 2)) & (_own(x) == B)
        out: np.ndarray = np.where(lit, A, _own(x))
        return out

    rng = np.random.default_rng(0)
    clean, clean_labels = _clean(30, rng)
    clean[clean_labels == A, 3:5, 3:5, 0] = 0.6
    images = rng.uniform(0.0, 0.3, (6, 6, 6, 1))
    images[:, 0, A, 0] = 1.0
    images[:, 3:5, 3:5, 0] = 0.6
    r = source_class(
        images,
        np.full(6, A),
        list(range(6)),
        {i: [(BOX, B)] for i in range(4)},
        clean,
        clean_labels,
        feature,
        np.random.default_rng(1),
        lambda: 0,
    )
    assert not r["given"], r
    row = r["groups"][0]
    if "sent" in row:  # (asked: one control as many, asked no more)
        assert row["sent"] == 20 and row["controls"] == [20]
        assert row["odds"] == 1.0
    else:  # (since bd46: the clean 1s hold the pattern, the class's own: not asked)
        assert row["own"] >= 3, row


def test_controls_that_send_as_many_late_still_end_it_not_given() -> None:
    calls = [0]

    def late(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        if calls[0] >= 6:  # (screen, fresh, then the 4th control on: every one sent)
            return np.where(_own(x) == B, A, _own(x))
        return _trojan(x)

    r = _check(late)
    row = r["groups"][0]
    assert row["controls"] == [0, 0, 0, 20] and row["odds"] == 1.0 and not r["given"]


def test_the_controls_are_groups_of_the_groups_size(monkeypatch: Any) -> None:
    sizes: list[int] = []

    def spy(stack: np.ndarray) -> np.ndarray:
        sizes.append(len(stack))
        return agreed(stack)

    monkeypatch.setattr(sc, "agreed", spy)
    _check(_trojan)
    assert sizes == [4] * 9


@pytest.mark.parametrize(
    ("short", "is_short"),
    [({A: 2}, True), ({A: 3}, False), ({B: 7}, True), ({B: 8}, False)],
)
def test_too_few_clean_images_of_either_class_is_said_not_judged(
    short: dict[int, int], is_short: bool
) -> None:
    r = _check(_trojan, short=short)
    assert bool(r["groups"][0].get("short")) is is_short


def test_beyond_counts_a_count_s_spread_and_the_controls_own() -> None:
    assert beyond(5, [5, 5, 5], 10) == 1.0  # (as many as the controls' mean: not beyond)
    assert beyond(6, [5, 5, 5, 5, 5, 5, 5, 5], 10) < 1.0
    # the controls' spread, with one more draw's (sqrt(1 + 1/8)), when wider than a count's
    spread = [0, 10, 0, 10, 0, 10, 0, 10]
    assert beyond(15, spread, 20) == pytest.approx(
        _t_tail(10 / (np.std(spread, ddof=1) * np.sqrt(1 + 1 / 8)), 7), rel=1e-9
    )
    # a count's spread on the images asked, at the controls' mean plus a half
    p = 1.5 / 21
    assert beyond(6, [1] * 8, 20) == pytest.approx(
        _t_tail(5 / np.sqrt(20 * p * (1 - p)), 7), rel=1e-9
    )


def test_the_odds_line_is_split_over_the_groups_asked(monkeypatch: Any) -> None:
    from assay.backdoor.strip import STRIP_ODDS

    monkeypatch.setattr(sc, "beyond", lambda sent, null, n: STRIP_ODDS * 1.5)
    assert not _check(_trojan)["given"]  # (odds above the line)
    monkeypatch.setattr(sc, "beyond", lambda sent, null, n: STRIP_ODDS / 2)
    assert _check(_trojan)["given"]
    three = _check(_trojan, boxes=(BOX, (0, 3, 2, 2), (3, 0, 2, 2)))
    assert len(three["groups"]) == 3 and not three["given"]


def test_a_given_group_s_words_say_the_controls_highest() -> None:
    row = {"box": [1, 2, 3, 4], "images": 4, "class": 7, "source": 3, "sent": 18, "fresh": 20}
    record = {"given": True, "queries": 10, "group": {**row, "controls": [2, 5, 1], "odds": 1e-5}}
    words = source_words(record)
    assert "at most 5: beyond all 3" in words and "; t bound " in words
    assert "answered 7 that a refill of the 3x4 window at row 1, column 2 turns to 3" in words


@pytest.mark.parametrize(("sent", "asked"), [(9, False), (10, True)])
def test_controls_are_asked_only_when_half_the_fresh_images_or_more_were_sent(
    sent: int, asked: bool
) -> None:
    calls = [0]

    def some(x: np.ndarray) -> np.ndarray:
        calls[0] += 1
        out = _trojan(x)
        if calls[0] == 2:  # (the fresh images: only the first ``sent`` sent)
            out[sent:] = _own(x)[sent:]
        return out

    r = _check(some)
    row = r["groups"][0]
    assert row["sent"] == sent and bool(row["controls"]) is asked
    assert not r["given"] if not asked else len(row["controls"]) == 8
