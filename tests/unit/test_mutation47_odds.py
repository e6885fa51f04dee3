"""mutation47: the pattern checks' odds (``common_pattern.beyond_controls`` with its floor at
a count's spread on ``n`` images, ``control_odds``' counted odds and words), each assertion a
surviving mutant's: the floor's formula, a count equal to the controls' mean, a negative
mean (the common-pattern check's lopsidedness), the second controls' counted odds, the words'
figures."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from assay.backdoor.common_pattern import _t_tail, beyond_controls, pattern_words
from assay.backdoor.control_odds import counted_odds, odds_words, with_counted


def _floor(m: float, n: int) -> float:
    """A count's spread on ``n`` images around the controls' mean ``m`` (my own formula: a
    binomial's standard deviation at the rate (|m| + 1/2) / (n + 1))."""
    p = (abs(m) + 0.5) / (n + 1)
    return math.sqrt(n * p * (1 - p))


def test_controls_that_all_gave_nothing_are_floored_at_a_counts_spread_on_n() -> None:
    # 8 controls of 0, a count of 3 on 20 images: the t bound at 3 / sd(count)
    got = beyond_controls(3, [0] * 8, 20)
    assert got == pytest.approx(_t_tail(3 / _floor(0.0, 20), 7), rel=1e-9)
    # the floor grows with n: the same count on more images is less telling
    assert beyond_controls(3, [0] * 8, 200) > got


def test_a_spread_above_the_floor_is_the_controls_own() -> None:
    controls = [0, 10, 0, 10, 0, 10, 0, 10]
    m, sd = 5.0, math.sqrt(sum((c - 5.0) ** 2 for c in controls) / 7) * math.sqrt(1 + 1 / 8)
    assert sd > _floor(m, 20)
    assert beyond_controls(15, controls, 20) == pytest.approx(_t_tail(10 / sd, 7), rel=1e-9)


def test_a_count_at_the_controls_mean_is_not_beyond_them() -> None:
    assert beyond_controls(2, [2] * 8, 20) == 1.0
    assert beyond_controls(1, [0, 2, 0, 2, 0, 2, 0, 2], 20) == 1.0


def test_a_negative_mean_lopsidedness_is_floored_by_its_size() -> None:
    # the common-pattern check's controls are lopsidedness (sent by D minus by -D): negative
    # when the controls' negatives send more.  Its floor is a count's at |m|
    got = beyond_controls(3, [-2] * 8, 20)
    assert got == pytest.approx(_t_tail(5 / _floor(-2.0, 20), 7), rel=1e-9)


def test_the_words_say_the_t_bound_to_one_digit() -> None:
    assert odds_words(5, [0] * 8, 0.0123).endswith("; t bound 0.01")
    assert odds_words(5, [0] * 8, 1.94e-9) == (
        "beyond all 8 (their count alone says 1 in 9 at best for clean images); t bound 2e-09"
    )
    # a count equal to a control is not beyond it: counted among those at or beyond
    assert counted_odds(5, [5] * 8) == 1.0
    assert odds_words(5, [5] * 8, 0.5).startswith(
        "beyond 0 of the 8 (their count alone says 9 in 9 "
    )


def test_the_counted_odds_of_a_source_group_are_its_harder_controls() -> None:
    # a group that sent 9: beyond its 8 random controls (1 in 9), not beyond the 8 picked by
    # its rule (4 of them sent 9 or more): 5 in 9 stored, the larger
    record = {
        "groups": [
            {
                "sent": 9,
                "controls": [0] * 8,
                "alike_controls": [9, 12, 9, 10, 0, 0, 0, 0],
                "odds": 0.3,
            },
            {"sent": 9, "controls": [0] * 8, "odds": 1e-6},
            {"sent": 2, "controls": [], "odds": 1.0},  # (not asked against controls)
            {"sent": 2},
        ]
    }
    rows = with_counted(record, "groups", "sent")["groups"]
    assert rows[0]["counted_odds"] == pytest.approx(5 / 9)
    assert rows[1]["counted_odds"] == pytest.approx(1 / 9)
    assert "counted_odds" not in rows[2] and "counted_odds" not in rows[3]


def _pattern_record(
    only: int, back: int, controls: list[int], t: float, odds: float
) -> dict[str, Any]:
    row = {"images": 9, "only": only, "only_back": back, "fresh": 30, "controls": controls,
           "t_bound": t, "odds": odds}  # fmt: skip
    return {"given": True, "classes": [1], "per_class": {"1": row}, "queries": 700}


def test_the_common_pattern_words_count_the_lopsidedness_against_the_controls() -> None:
    # 12 sent by D alone, 6 by -D alone: lopsidedness 6, beyond 7 of the controls (one of 6)
    words = pattern_words(_pattern_record(12, 6, [6, 0, 0, 0, 0, 0, 0, 0], 0.02, 0.02))
    assert "at most +6: beyond 7 of the 8 (their count alone says 2 in 9 for clean images)" in words
    # the sign test's odds said only when they are the larger (the class's odds)
    assert "the sign test's odds" not in words, words
    words = pattern_words(_pattern_record(12, 6, [0] * 8, 0.001, 0.02))
    assert "t bound 0.001; the sign test's odds 0.02)" in words, words


def _pattern_run(controls: tuple[int, int]) -> dict[str, Any]:
    """The common-pattern check on 40 scanned images (classes 1 and 2 tested) whose k-th ask
    answers class 1 to the images of ``script[k]`` (0 to the rest): the screen all sent, D
    alone sending the fresh images 0-19, -D alone 20-21 (a lopsidedness of 18), each of the
    8 controls' patterns ``controls`` (its D0 sending the first n, its -D0 the first m)."""
    from test_mutation45_common_pattern import _labels

    from assay.backdoor.common_pattern import common_pattern

    rng = np.random.default_rng(0)
    images, clean = rng.uniform(0.2, 0.8, (40, 6, 6)), rng.uniform(0.2, 0.8, (200, 6, 6))
    labels, clean_labels = _labels(c0=16, c1=12, c2=12), _labels(c0=182, c1=9, c2=9)
    n, m = controls
    script = [range(20), range(20), range(20, 22)] + [range(n), range(m)] * 8
    calls, asked = iter(script), [0]

    def answers(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out = np.zeros(len(x), dtype=np.int64)
        out[list(next(calls, range(0)))] = 1
        return out

    record = common_pattern(
        images, labels, list(range(40)), clean, clean_labels, answers,
        np.random.default_rng(1), lambda: asked[0],
    )  # fmt: skip
    row: dict[str, Any] = record["per_class"]["1"]
    return row


def test_a_common_patterns_counted_odds_and_t_bound_are_of_its_lopsidedness() -> None:
    row = _pattern_run((19, 0))
    assert (row["only"], row["only_back"]) == (20, 2), row
    # 18 against 8 controls of 19: beyond none of them (its D alone's 20 would be beyond all)
    assert row["controls"] == [19] * 8 and row["counted_odds"] == 1.0, row
    row = _pattern_run((0, 0))
    assert row["controls"] == [0] * 8 and row["counted_odds"] == pytest.approx(1 / 9), row
    # the bound's floor is a count's spread on the fresh images asked (60)
    assert row["fresh"] == 60
    assert row["t_bound"] == pytest.approx(_t_tail(18 / _floor(0.0, 60), 7), rel=1e-9)
