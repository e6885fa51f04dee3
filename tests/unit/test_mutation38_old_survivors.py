"""mutation38: mutation37's survivors that change a figure or a word a user reads, each
killed here (bench/RESULTS.md, mutation38's table: FS3, DI4 and DI5, EK1, EK2, EK4, UD7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay


def _fair(rows: object) -> np.ndarray:
    """Approves on hours alone: no input differs by sex alone."""
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows
    return (frame["hours"].astype(float).to_numpy() > 38).astype(int)


def test_a_campaign_that_found_nothing_says_its_inputs_are_the_units_added(
    tmp_path: Path,
) -> None:
    """FS3: a fairness campaign of two units on a fair model: its headline's inputs
    generated add the units' (an input two units generated counts twice), as a campaign
    that found IDIs says (units36b); under the mutant "unique inputs generated"."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(20, 60, 80),
            "sex": rng.choice(["M", "F"], 80),
            "hours": rng.integers(20, 60, 80),
        }
    )
    result = assay.check_fairness(
        _fair, frame, protected="sex", max_queries=600, seed=1, units=2, store=tmp_path / "r.db"
    )
    assert result.n_findings == 0, result.headline
    headline = result.summary["headline"]
    assert "inputs generated, the 2 units' added" in headline, headline
    assert "unique inputs generated" not in headline, headline


def _p(texts: list[str], base: float) -> np.ndarray:
    return np.array([[base + 0.01 * (len(t) % 3), 1 - base - 0.01 * (len(t) % 3)] for t in texts])


def _near(texts: list[str]) -> np.ndarray:
    return _p(texts, 0.6)


def _half(texts: list[str]) -> np.ndarray:
    return _p(texts, 0.5)


_near.classes_ = _half.classes_ = ["negative", "positive"]  # type: ignore[attr-defined]


def test_a_resumed_distance_run_keeps_the_largest_distance_seen() -> None:
    """DI5: the largest distance a ``--mode distance`` run judged is in its checkpoint: a
    resumed run that judges nothing larger says it (under the mutant, 0 after a resume)."""
    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text
    from assay.text.engine import thaw

    def engine(seed: int) -> object:
        setup = setup_text(
            [_near, _half], grammar="builtin:reviews", oracle="differential", mode="distance",
            threshold=0.99,
        )  # fmt: skip
        model = BudgetedModel(setup.model, max_queries=2_000)
        return setup.test.search(model, np.random.default_rng(seed)).engine

    try:
        a: Any = engine(1)
        for _ in range(3):
            a.step()
        assert 0.09 <= a.oracle.largest <= 0.13
        b: Any = engine(2)
        b.restore(a.snapshot())
        assert b.oracle.largest == a.oracle.largest
    finally:
        thaw()


def test_a_units_case_keys_and_test_keys_are_whole_up_to_their_caps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """EK1, EK2, EK4, UD7 (mutation37's Left 1): a text unit keeps the keys of its first
    ``CASE_KEYS`` cases and of each test's first ``TEST_KEYS`` (a failing one's negated),
    and hands them on (``unit_stats``): a campaign counts a case two units judged once.
    The caps are patched low here (16,384 and 512: a campaign past them is minutes)."""
    from assay.text import engine as engine_module
    from assay.text.engine import thaw
    from assay.text.units import UNIT_STATS, _distinct, unit_stats

    from test_text36_suite import _engine, _steps  # isort: skip

    monkeypatch.setattr(engine_module, "CASE_KEYS", 40)
    monkeypatch.setattr(engine_module, "TEST_KEYS", 12)
    try:
        e = _engine(3, max_queries=3_000)
        _steps(e, 6)
    finally:
        thaw()
    assert e.cases > 40
    assert len(e.case_keys) == 40  # EK1: the 40th kept
    for r, (cases, failing) in enumerate(e.per_test):
        kept = e.test_keys[r]
        assert len(kept) == min(cases, 12), (r, cases, len(kept))  # EK2: the 12th kept
        if cases <= 12:  # EK4: every failing case's key negated
            assert sum(k < 0 for k in kept) == failing, (r, kept, failing)
        if failing == cases:  # (EK4: the test failing on every case, past the cap too)
            assert all(k < 0 for k in kept), (r, kept)
    assert any(failing for _, failing in e.per_test)
    # UD7: two units that judged the same cases count them once where each kept them all
    stats = unit_stats(e)
    assert stats["test_keys"] == e.test_keys
    added = [[2 * c, 2 * f] for c, f in e.per_test]
    twice = _distinct(added, [{UNIT_STATS: stats}, {UNIT_STATS: stats}])
    for r, (cases, failing) in enumerate(e.per_test):
        assert twice[r] == ([cases, failing] if cases <= 12 else [2 * cases, 2 * failing])
