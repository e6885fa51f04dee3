"""mutation38: mutation37's survivors that change a figure or a word a user reads, each
killed here (bench/RESULTS.md, mutation38's table: FS3, DI5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

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
