"""The common-pattern check's line with more than one class tested, and a given class's
stored odds (mutation45b): every test of ``backdoor.common_pattern`` before tested one
class, so the line was never seen split over the classes tested (``STRIP_ODDS`` / 2 with
two: docs/backdoor.md's "split over the classes tested"), and a given class's odds were
never read when the controls' bound was under the sign test's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_mutation45_common_pattern import _labels

from assay.backdoor.common_pattern import _sign_odds, common_pattern, pattern_words
from assay.backdoor.strip import STRIP_ODDS


def _record(script: list[tuple[int, int]]) -> tuple[dict[str, Any], list[int]]:
    """The check on 40 scanned images (classes 1 and 2 over-represented: both tested) with a
    labeller whose k-th ask answers ``script[k] = (c, n)``: class ``c`` to its first ``n``
    images, 0 to the rest (0 to all once the script is spent: no control moves)."""
    rng = np.random.default_rng(0)
    images, clean = rng.uniform(0.2, 0.8, (40, 6, 6)), rng.uniform(0.2, 0.8, (200, 6, 6))
    labels, clean_labels = _labels(c0=16, c1=12, c2=12), _labels(c0=182, c1=9, c2=9)
    asked = [0]
    calls = iter(script)

    def answers(x: np.ndarray) -> np.ndarray:
        asked[0] += len(x)
        c, n = next(calls, (0, 0))
        out = np.zeros(len(x), dtype=np.int64)
        out[:n] = c
        return out

    record = common_pattern(
        images, labels, list(range(40)), clean, clean_labels, answers,
        np.random.default_rng(1), lambda: asked[0],
    )  # fmt: skip
    assert record["tested"] == 2, record
    return record, asked


def test_the_line_is_split_over_the_classes_tested() -> None:
    # class 1: the whole screen sent, then 7 fresh images sent by D alone, none by -D: odds
    # 2^-7 = 0.0078, under STRIP_ODDS (0.01) but over its share for two classes (0.005)
    odds = _sign_odds(7, 7)
    assert STRIP_ODDS / 2 < odds < STRIP_ODDS
    record, asked = _record([(1, 20), (1, 7), (1, 0)])  # (class 2: nothing sent)
    assert not record["given"] and record["flagged"] == [], record
    row = record["per_class"]["1"]
    assert row["odds"] == pytest.approx(odds) and "controls" not in row, row
    # its controls never asked: the screens of both classes and class 1's fresh asks alone
    assert asked[0] == record["queries"] == 2 * 20 + 2 * 60, record
    assert "no class's unconfirmed images share a pattern" in pattern_words(record)


def test_a_given_class_keeps_its_sign_odds_when_the_controls_bound_is_lower() -> None:
    # 8 of 8 sent by D alone: 2^-8 = 0.0039 < 0.005, asked against the controls, none of
    # which moves (their bound is 0): the class is given, at the larger of the two odds
    record, _ = _record([(1, 20), (1, 8), (1, 0)])
    assert record["given"] and record["classes"] == [1], record
    row = record["per_class"]["1"]
    assert row["controls"] == [0] * 8, row
    assert row["odds"] == pytest.approx(_sign_odds(8, 8)) == pytest.approx(1 / 256), row
    assert record["flagged"] == list(range(16, 28))
    assert "at most +0: beyond all 8" in pattern_words(record)
    assert "; the sign test's odds 0.004)" in pattern_words(record)
