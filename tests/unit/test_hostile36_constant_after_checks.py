"""hostile36: a model that answered the determinism check, then one answer to everything the
search and the answer asked (a served model falling back to a default once warm, a wrapper
whose state broke) passed: "no discriminatory input found", exit 0.  The constant-model
watch had seen the check's varied answers; it now judges what the search and the answer
were answered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
import assay.fairness.phases as phases


class _HonestThenConstant:
    """Discriminates on ``sex`` (column 1) until ``honest`` is cleared, then answers 0."""

    def __init__(self) -> None:
        self.honest = True

    def __call__(self, x: Any) -> np.ndarray:
        rows = np.asarray(x, dtype=object)
        answers = (rows[:, 1] == "M").astype(int)
        return answers if self.honest else np.zeros(len(rows), dtype=int)


def _people() -> pd.DataFrame:
    return pd.DataFrame(
        {"age": [20 + i % 40 for i in range(200)], "sex": ["FM"[i % 2] for i in range(200)]}
    )


def test_a_model_constant_after_the_determinism_check_has_not_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _HonestThenConstant()
    checked = phases.flip_rate

    def check_then_break(*args: Any, **kwargs: Any) -> Any:
        try:
            return checked(*args, **kwargs)
        finally:
            model.honest = False  # the checks were answered; everything after is one answer

    monkeypatch.setattr(phases, "flip_rate", check_then_break)
    result = assay.check_fairness(
        model, data=_people(), protected="sex", max_queries=1500, seed=1, store=tmp_path / "r.db"
    )
    assert result.n_findings == 0
    assert not result.passed  # main: passed, "no discriminatory input found"
    assert result.untested is not None and "same answer (0)" in result.untested
    assert "every input its search and answer asked" in result.untested  # (not the checks)
    assert result.headline.startswith("NOTHING WAS TESTED")


def test_a_model_honest_throughout_is_still_tested(tmp_path: Path) -> None:
    """The control: the same model left honest is found discriminating (the restarted watch
    sees the search's answers vary)."""
    result = assay.check_fairness(
        _HonestThenConstant(),
        data=_people(),
        protected="sex",
        max_queries=1500,
        seed=1,
        store=tmp_path / "r.db",
    )
    assert result.untested is None and result.n_findings > 0
