"""audit48r: the group metrics' gaps beside what chance gives.

A model blind to the groups (every row positive with probability 0.5) read "demographic-
parity difference 0.371 ... Equalized-odds difference 0.528" on 24 groups of 35 rows, with
no word (every group held 30 rows or more): the max minus min of many small groups' rates
is far from zero whatever the model.  The text now gives the gap such a model reaches 95 %
of the time on groups of these sizes, and says which side the measured gap is on.
"""

from __future__ import annotations

import numpy as np

from assay.fairness.group import group_metrics


def _report(gap: float, seed: int, groups: int = 24, per: int = 35) -> object:
    rng = np.random.default_rng(seed)
    g = np.repeat(np.arange(groups), per)
    pred = (rng.random(len(g)) < 0.5 + gap * (g == 0)).astype(int)
    return group_metrics(rng.integers(0, 2, len(g)), pred, g.astype(str))


def test_a_blind_model_s_gaps_are_said_to_be_chance() -> None:
    beyond = 0
    for seed in range(60):
        r = _report(0.0, seed)
        assert r.demographic_parity_difference > 0.15  # (never near zero: 24 groups of 35)
        beyond += r.demographic_parity_difference > r.demographic_parity_chance
    assert beyond <= 7  # (measured: 10 of 300 seeds; 5 % expected)
    text = _report(0.0, 1).section()["text"]
    assert "no more than a model treating every group alike shows" in text
    assert r.to_json()["demographic_parity_chance"] == r.demographic_parity_chance


def test_a_real_gap_is_said_to_be_beyond_chance() -> None:
    r = _report(0.45, 1, groups=6, per=40)  # group 0 selected at 95 %, the others 50 %
    assert r.demographic_parity_difference > r.demographic_parity_chance
    assert "beyond the" in r.section()["text"]
    two = _report(0.1, 2, groups=2, per=2_000)
    assert two.demographic_parity_difference > two.demographic_parity_chance
    assert two.demographic_parity_chance < 0.05
