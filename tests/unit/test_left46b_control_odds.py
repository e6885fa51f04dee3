"""left46b: the pattern checks' odds said as what their 8 controls support.

The common-pattern, class-map and source-class checks judge a count against 8 random
controls by a Student t prediction bound, and printed its odds down to 1e-11 ("odds 2e-09
for clean images" beside 8 controls that all moved nothing).  8 controls, by their count
alone (a rank test: the pattern one more draw of their null), say 1 in 9 at best; the rest
is the normal model's extrapolation.  The words now say both, the records store the counted
odds beside the bound, and the decision (the bound against the line) is unchanged."""

from __future__ import annotations

import pytest
import test_bd45_families as bd45
from test_mutation45b_pattern_line import _record

from assay.backdoor.common_pattern import pattern_words


def test_a_count_beyond_every_control_is_said_as_one_in_nine_beside_its_t_bound() -> None:
    # class 1: 60 of 60 fresh images sent by D alone, none by -D, no control moving one:
    # the t bound (its spread floored at a count's) is ~1e-9, the sign test's 2^-60
    record, _ = _record([(1, 20), (1, 60), (1, 0)])
    assert record["given"] and record["classes"] == [1], record  # (the decision as before)
    row = record["per_class"]["1"]
    assert row["controls"] == [0] * 8, row
    assert row["counted_odds"] == pytest.approx(1 / 9), row
    assert row["t_bound"] == row["odds"] < 1e-6, row
    words = pattern_words(record)
    # main: "8 random splits of the images answered 1 at most +0; odds 2e-09 for clean images"
    assert f"odds {row['odds']:.1g} for clean images" not in words, words
    assert (
        "at most +0: beyond all 8 (their count alone says 1 in 9 at best for clean images); "
        f"t bound {row['odds']:.1g})" in words
    ), words


def test_a_sign_test_odds_above_the_bound_is_said_as_the_sign_tests() -> None:
    # 8 of 8 sent by D alone: the sign test's odds (1/256) exceed the controls' t bound and
    # are the class's odds (mutation45b); both are said, each for what it is
    record, _ = _record([(1, 20), (1, 8), (1, 0)])
    assert record["given"], record
    words = pattern_words(record)
    assert "beyond all 8 (their count alone says 1 in 9 at best" in words, words
    assert "; the sign test's odds 0.004)" in words, words


def test_the_counted_odds_of_a_count_not_beyond_every_control() -> None:
    from assay.backdoor.control_odds import counted_odds, odds_words

    assert counted_odds(5, [0] * 8) == pytest.approx(1 / 9)
    assert counted_odds(5, [5, 0, 0, 0, 0, 0, 0, 9]) == pytest.approx(3 / 9)
    assert odds_words(5, [5, 0, 0, 0, 0, 0, 0, 9], 0.2) == (
        "beyond 6 of the 8 (their count alone says 3 in 9 for clean images); t bound 0.2"
    )


def test_a_given_class_map_window_stores_its_counted_odds() -> None:
    from assay.backdoor.control_odds import with_counted

    # bd45's fake all-to-all model: 8 controls that all score 0, the bound ~2e-09
    record = with_counted(bd45._run(True, 0), "windows", "score")
    row = record["window"]
    assert record["given"] and row["controls"] == [0] * 8 and row["odds"] < 1e-6, row
    assert row["counted_odds"] == pytest.approx(1 / 9), row
    for other in record["windows"]:  # (a window not asked against controls: none stored)
        assert ("counted_odds" in other) == ("controls" in other), other
