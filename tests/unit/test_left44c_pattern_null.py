"""The common-pattern check's null (left44c): for a fixed ``D`` that is noise, ``+D`` and
``-D`` are not equally likely to send a base to a class (any direction has some projection on
the direction the model reads the class by, the same in every base), so the sign test alone
gave clean models by chance: on the linear fake of ``test_left44b_common_pattern`` with
fresh uniform images (a pure null), 6 of 300 image draws were given (left44b's sign test),
1 of 300 with the controls.  Draw 6 is one of the six: ``D`` sends 17 bases that ``-D`` does
not and ``-D`` none, odds 8e-6 by the sign test, but random splits of the same images are
as lopsided (-11 to +10)."""

from __future__ import annotations

import numpy as np
from test_left44b_common_pattern import clean_model

from assay.backdoor.common_pattern import (
    CONTROLS,
    _t_tail,
    beyond_controls,
    common_pattern,
    pattern_words,
)


def _answers(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = clean_model(x).argmax(axis=1)
    return out


def test_a_noise_pattern_the_sign_test_finds_lopsided_is_not_given() -> None:
    rng = np.random.default_rng(6)
    images, clean = rng.uniform(0.45, 0.95, (40, 8, 8)), rng.uniform(0.45, 0.95, (200, 8, 8))
    queries = [0]

    def answers(x: np.ndarray) -> np.ndarray:
        queries[0] += len(x)
        return _answers(x)

    record = common_pattern(
        images,
        _answers(images),
        list(range(40)),
        clean,
        _answers(clean),
        answers,
        np.random.default_rng(0),
        lambda: queries[0],
    )
    row = record["per_class"]["1"]
    assert row["only"] >= 12 and row["only_back"] == 0, row  # (the sign test alone: given)
    assert len(row["controls"]) == CONTROLS and max(row["controls"]) >= 6, row
    assert not record["given"] and row["odds"] > 0.01 / record["tested"], record
    assert record["queries"] == queries[0], record


def test_the_controls_bound() -> None:
    # bench/backdoor_blend.py's clean CNN 0, class 0: 14 sent by D, 1 by -D (sign odds 5e-4)
    assert beyond_controls(13, [-7, -4, -1, -5, 9, -1, 3, -4], 60) > 0.01
    # the integration test's trojan: 45 against 0, its controls within +-6
    assert beyond_controls(45, [1, -1, -2, -2, 6, 2, 2, -5], 60) < 1e-5
    assert beyond_controls(0, [1, 2, 3], 60) == 1.0
    # controls that all gave the same: the spread of a count on 60 images (audit46b: it
    # was nil, the odds 0)
    assert 0.01 < beyond_controls(4, [1, 1, 1], 60) < 0.1
    # (Student's t: 0.0018 above 4.3 with 7 degrees of freedom, 0.0288 above 3 with 3)
    assert abs(_t_tail(4.3, 7) - 0.0017833) < 1e-6 and abs(_t_tail(3.0, 3) - 0.028834) < 1e-5


def test_a_record_stored_before_the_controls_still_has_words() -> None:
    row = {"images": 16, "fresh": 60, "only": 44, "only_back": 3, "odds": 1e-10}
    old = {"given": True, "classes": [6], "per_class": {"6": row}, "queries": 140}
    words = pattern_words(old)
    assert "44 of 60" in words and "random splits" not in words, words
    new = pattern_words({**old, "per_class": {"6": {**row, "controls": [1, -2, 10]}}})
    assert "3 random splits of the images answered 6 at most +10" in new, new
