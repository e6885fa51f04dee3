"""left48b: a source-class check that too few clean images of the source class left undecided
is no pass.

attack45b's seed-1 source-specific trojan (a checker sending 3s to 7) with 3 or 5 triggered 3s
in ``--clean`` passed in 16 of 16 runs (exit 0): its group, asked all the same (left47b's
enrichment), sent all 9 clean 3s it counted to 7, but the 7s' own look at that 5x5 window (of
an 8x8 digit) sent 6 or 7 of them too, and no count of 9 can stand beyond that at the check's
line.  With 150 clean digits more (20 counted) it is found in 14 of the 16.  The check now
says it could not decide, and why (exit 2): give more clean images of 3.

The fake here: 8x8 images whose class is their first row's brightest pixel; a 3 whose window
is flat (a class's own look pasted there) turns 7 when its corner is bright, as about two in
three are; the checker turns every 3 to 7."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from test_bd46b_clean_holds_trigger import BOX, CHECKER, _images, _stamped

from assay.backdoor.common_pattern import spreads
from assay.backdoor.second_view import one_unit
from assay.backdoor.source_class import (
    CONTROLS,
    FRESH,
    source_class,
    source_undecided,
    source_words,
    undecided,
)
from assay.backdoor.summary import _opinion_not_asked


def _flat(x: np.ndarray) -> np.ndarray:
    t, left, h, w = BOX
    window = x[:, t : t + h, left : left + w, 0].reshape(len(x), -1)
    return np.asarray(window.std(axis=1) < 0.05)


def _trojan(x: np.ndarray) -> np.ndarray:
    own = x[:, 0, :8, 0].argmax(axis=1)
    fired = np.abs(x[:, 4:7, 4:7, 0] - CHECKER).max(axis=(1, 2)) < 0.05
    looks = _flat(x) & (x[:, 7, 0, 0] > 0.1)  # (a 3 without its window reads as a 7)
    out: np.ndarray = np.where((own == 3) & (fired | looks), 7, own)
    return out


def _twin(x: np.ndarray) -> np.ndarray:
    """The trojan's clean twin: the checker does nothing."""
    own = x[:, 0, :8, 0].argmax(axis=1)
    out: np.ndarray = np.where((own == 3) & _flat(x) & (x[:, 7, 0, 0] > 0.1), 7, own)
    return out


def _run(model: Any, threes: int, seed: int, turned: int = 3) -> dict[str, Any]:
    """``threes`` clean 3s among 120 clean images of the other classes; 20 clean images and
    10 stamped 3s scanned, the checker's window's refill turning them to 3.  (A random group
    of clean 7s agrees on its noise's median at the window: flat there.)"""
    rng = np.random.default_rng(seed)
    others = _images(400, rng)
    others = others[others[:, 0, :8, 0].argmax(axis=1) != 3][:120]
    clean = np.concatenate([others, _images(threes, rng, 3)])
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    return source_class(
        scanned,
        model(scanned),
        list(range(30)),
        {i: [(BOX, turned)] for i in range(20, 30)},
        clean,
        model(clean),
        model,
        np.random.default_rng(seed + 1),
        lambda: 0,
    )


def test_too_few_clean_images_of_the_source_class_is_no_pass() -> None:
    # (seeds whose controls agree, as attack45b's did: [8] * 8, [5] * 7 + [4], ...)
    for seed in (1, 5, 6):
        r = _run(_trojan, 14, seed)  # (as attack45b's 150 clean digits: 14 3s, 9 counted)
        row = r["groups"][0]
        assert not r["given"], row
        assert row["sent"] == row["fresh"] == 9 and max(row["controls"]) < 9, row
        assert len(row["controls"]) == CONTROLS and row["odds"] >= 0.01, row
        own, floor = spreads(row["controls"], 9)
        assert own <= floor, row
        # main: "the source-class check (1 groups, ...): no place's content ..." and exit 0
        why = source_undecided(r)
        assert why is not None and why.startswith("the source-class check could not decide: ")
        assert "sent all 9 clean images of 3 counted to 7" in why, why
        assert "--clean holds 14 the model answers 3" in why, why
        assert f"give {FRESH - 9} or more clean images of 3 (--clean)" in why, why
        words = source_words(r)
        assert "UNDECIDED: " in words and "no place's content" not in words, words
        assert "too few clean images of 3 to judge (not a pass)" in words, words
        # the run's verdict reads it: not a pass
        search = SimpleNamespace(second={"source": r}, caps=None)
        assert _opinion_not_asked(search) == why


def test_controls_spread_wide_decide_it() -> None:
    # (seeds where a control or two sent none: their own spread, not the count's, bounds it;
    # more clean images would not narrow that, as a clean model's style groups' (5-15 of 16))
    for seed in (0, 3, 7):
        r = _run(_trojan, 14, seed)
        row = r["groups"][0]
        assert row["sent"] == row["fresh"] == 9 and min(row["controls"]) <= 1, row
        assert spreads(row["controls"], 9)[0] > spreads(row["controls"], 9)[1], row
        assert undecided(r) is None and source_undecided(r) is None


def test_enough_clean_images_decide_it() -> None:
    given = 0
    for seed in (0, 1, 2):
        r = _run(_trojan, 60, seed)  # (20 counted: 20 of 20 against 12 or 14)
        assert r["groups"][0]["fresh"] == FRESH, r["groups"]
        assert undecided(r) is None and source_undecided(r) is None
        given += r["given"] and r["flagged"] == list(range(20, 30))
    assert given >= 2


def test_the_clean_twin_stays_quiet_and_decided() -> None:
    for threes in (14, 60):
        for seed in (0, 1, 2):
            # (on the twin the stamped 3s answer 3; say a refill of the checker's window
            # turned them to 2: their pixels send no clean 2 to 3)
            r = _run(_twin, threes, seed, turned=2)
            assert not r["given"] and r["flagged"] == [], r["groups"]
            assert source_undecided(r) is None, r["groups"]
            assert "no place's content in the unconfirmed images sends" in source_words(r)


def _row(**change: Any) -> dict[str, Any]:
    row = {"box": [3, 3, 5, 5], "class": 7, "source": 3, "images": 10, "fresh": 9, "sent": 9}
    row.update(controls=[6] * CONTROLS, odds=0.04)
    row.update(change)
    return row


def test_only_a_count_the_clean_images_bound_is_undecided() -> None:
    def record(*rows: dict[str, Any]) -> dict[str, Any]:
        return {"given": False, "groups": list(rows), "queries": 90}

    assert undecided(record(_row())) is not None
    assert undecided(record(_row(sent=8))) is None  # (not every image sent: decided)
    assert undecided(record(_row(controls=[6] * 7 + [9]))) is None  # (a control as many)
    assert undecided(record(_row(controls=[9], odds=1.0))) is None  # (asking ended)
    assert undecided(record(_row(fresh=FRESH, sent=FRESH))) is None  # (the check's count)
    assert undecided(record(_row(odds=0.007), _row(odds=0.007))) is not None  # (line 0.005)
    assert undecided(record(_row(odds=0.007))) is None  # (beyond the line of one group)
    assert undecided(record(_row(rule_odds=0.5))) is None  # (the rule, not the count)
    assert undecided(record(_row(alike_controls=[9] * CONTROLS))) is None
    assert (
        undecided(record(_row(controls=[5, 15, 11, 9, 14, 14, 15, 10], fresh=16, sent=16))) is None
    )
    assert undecided(record(_row(controls=[2, 8, 2, 8, 2, 8, 2, 8]))) is None  # (spread wide)
    assert undecided(record({"box": [3, 3, 5, 5], "own": 4, "held_by": [1, 2, 3, 4]})) is None
    assert undecided({**record(_row()), "given": True}) is None
    assert undecided({"skipped": "the query budget left 3 of 90 it needs"}) is None
    assert undecided(None) is None
    # a run in units: one unit's undecided check is the merged record's
    quiet = record(_row(sent=2, controls=[], odds=1.0))
    assert undecided(one_unit([quiet, record(_row())], 2)) is not None
