"""mutation38: mutation37's survivors that change a figure or a word a user reads, each
killed here (bench/RESULTS.md, mutation38's table: FS3, ...)."""

from __future__ import annotations

from pathlib import Path

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
