"""The common-pattern check (``backdoor.common_pattern``) at its edges (mutation45): which
classes it judges, when a class's pattern is asked of fresh images, what each ask counts,
its null's controls and bound, and its words when not asked.  The forty-third session's
tests ran it on one blended trojan and its clean twin, where each edge was far off; a
labeller scripted here puts the case on the edge.  The figures are docs/backdoor.md's
(step 10): three images a side, 20 bases, 5 of them sent to be judged on 60 fresh ones, 8
controls: 20 queries per class tested, 120 more for a class judged, 960 for the controls."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor.common_pattern import (
    _sign_odds,
    beyond_controls,
    common_pattern,
    controls,
    difference,
    most_queries,
    pattern_not_asked,
    pattern_skipped,
    pattern_words,
    still_sends,
)
from assay.backdoor.common_pattern import (
    tested_classes as judged,
)


def _labels(**counts: int) -> np.ndarray:
    """Classes by count: ``_labels(c0=5, c2=3)`` is five 0s then three 2s."""
    return np.concatenate([np.full(n, int(k[1:])) for k, n in counts.items()]).astype(np.int64)


def test_a_class_is_judged_from_min_group_images_on_each_side() -> None:
    clean = _labels(c0=190, c1=7, c2=3)
    scanned = _labels(c0=37, c2=3)
    assert judged(scanned, list(range(40)), clean) == [2]
    fewer = _labels(c0=38, c2=2)
    assert 2 not in judged(fewer, list(range(40)), clean)
    few_clean = _labels(c0=191, c1=7, c2=2)
    assert 2 not in judged(scanned, list(range(40)), few_clean)
    # (only the unconfirmed images ``left`` count)
    assert 2 not in judged(scanned, list(range(38)), clean)


def test_a_class_answered_no_more_often_than_the_clean_images_is_not_judged() -> None:
    # each class as often among the scanned images as among the clean ones: as likely as not
    clean, scanned = _labels(c0=120, c1=40, c2=40), _labels(c0=24, c1=8, c2=8)
    assert judged(scanned, list(range(40)), clean) == []
    assert most_queries(scanned, list(range(40)), clean) == 0
    # over-represented (16 of 40 against 18 of 200): judged, and its most counted
    clean, scanned = _labels(c0=182, c1=18), _labels(c0=24, c1=16)
    assert judged(scanned, list(range(40)), clean) == [1]
    assert most_queries(scanned, list(range(40)), clean) == 20 + 120 + 960


def _scripted(c: int, first: int) -> tuple[Any, list[int]]:
    """A labeller answering ``c`` to the first ``first`` images of every ask, 0 to the rest
    (whatever they hold: ``D`` and ``-D`` alike), counting what it is asked."""
    asked = [0]

    def answers(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        out = np.zeros(len(x), dtype=np.int64)
        out[:first] = c
        return out

    return answers, asked


def _check(first: int) -> tuple[dict[str, Any], int]:
    rng = np.random.default_rng(0)
    images, clean = rng.uniform(0.2, 0.8, (40, 6, 6)), rng.uniform(0.2, 0.8, (200, 6, 6))
    labels, clean_labels = _labels(c0=24, c1=16), _labels(c0=182, c1=18)
    answers, asked = _scripted(1, first)
    record = common_pattern(
        images, labels, list(range(40)), clean, clean_labels, answers,
        np.random.default_rng(1), lambda: asked[0],
    )  # fmt: skip
    return record, asked[0]


def test_a_pattern_sending_under_a_quarter_of_the_screen_is_not_asked_further() -> None:
    record, asked = _check(4)
    row = record["per_class"]["1"]
    assert row["bases"] == 20 and row["sent"] == 4 and "fresh" not in row, row
    assert asked == record["queries"] == 20, record
    assert not record["given"] and record["flagged"] == []


def test_a_pattern_sending_a_quarter_is_asked_of_fresh_images_both_ways() -> None:
    record, asked = _check(5)
    row = record["per_class"]["1"]
    assert row["fresh"] == 60 and row["only"] == row["only_back"] == 0, row
    assert row["odds"] == 1.0 and "controls" not in row, row
    assert asked == record["queries"] == 20 + 120, record
    assert not record["given"]


def test_what_the_pattern_alone_sends_is_counted() -> None:
    bases = np.full((6, 2, 2), 0.5)
    d = np.full((2, 2), 0.3)

    def answers(x: np.ndarray) -> np.ndarray:
        # bases 0-2: sent to 1 by +D; base 2 and 3: by -D; bases 4, 5: by neither
        mean = x.reshape(len(x), -1).mean(axis=1)
        plus, minus = mean > 0.6, mean < 0.4
        out = np.zeros(len(x), dtype=np.int64)
        out[:3][plus[:3]] = 1
        out[2:4][minus[2:4]] = 1
        return out

    only_plus, only_minus, odds = still_sends(d, 1, bases, answers)
    assert (only_plus, only_minus) == (2, 1)
    assert odds == pytest.approx(_sign_odds(2, 3)) and _sign_odds(2, 3) == 0.5
    assert _sign_odds(3, 3) == 0.125 and _sign_odds(0, 0) == 1.0


def test_the_bound_of_a_lopsidedness_no_higher_than_the_controls_mean() -> None:
    assert beyond_controls(2, [1, 2, 3], 60) == 1.0  # (at the mean: no evidence)
    assert 0.0 < beyond_controls(3, [1, 2, 3], 60) < 0.5
    # the prediction bound: the controls' sample sd (2.309, n - 1 = 3) widened by
    # sqrt(1 + 1/4): 4 above their mean of 0 is t = 1.549 on 3 degrees of freedom, 10.95 %
    assert beyond_controls(4, [-2, 2, -2, 2], 60) * 100 == pytest.approx(10.95, abs=0.05)


def test_controls_are_random_splits_of_the_pool() -> None:
    scanned, clean = np.zeros((3, 2, 2)), np.ones((5, 2, 2))
    out = controls(scanned, clean, np.random.default_rng(0))
    assert len(out) == 8
    # split in order, every control would be 0 - 1 = -1 everywhere
    assert any(not np.allclose(c, -1.0) for c in out)


def test_the_pattern_is_net_of_the_scanned_images_shift() -> None:
    # the scanned images brighter by 0.1 everywhere (a camera): no pattern at all
    rng = np.random.default_rng(2)
    clean = rng.uniform(0.3, 0.7, (60, 4, 4))
    images = np.clip(clean[:40] + 0.1, 0, 1)
    ours, clean_labels = _labels(c0=30, c1=10), _labels(c0=50, c1=10)
    d = difference(images, ours, clean, clean_labels, 1)
    plain = images[ours == 1].mean(axis=0) - clean[clean_labels == 1].mean(axis=0)
    assert abs(float(d.mean())) < abs(float(plain.mean())) - 0.05


def test_a_check_not_asked_says_what_it_needs() -> None:
    record = pattern_skipped(300, 1_100)
    assert record["short"] == 800 and "left 300 of the 1,100" in record["skipped"]
    assert pattern_skipped(-5, 1_100)["short"] == 1_100
    said = pattern_not_asked(record)
    assert said is not None and "raise --max-queries by 800 or more" in said
    assert pattern_not_asked({"given": False, "tested": 1}) is None  # (asked)
    assert pattern_not_asked(None) is None
    assert "the common-pattern check not asked (the query budget left 300" in pattern_words(record)


def test_words_of_a_check_that_gave_no_class() -> None:
    words = pattern_words({"given": False, "tested": 2, "queries": 40, "per_class": {}})
    assert "(2 classes, 40 queries): no class's unconfirmed images share a pattern" in words
    assert "NOT CLEAN" not in words
    assert pattern_words(None) == ""
