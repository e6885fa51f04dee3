"""mutation44: a listed category no row holds, for a model that shows no encoder (a function):
tested where the model answers it, left untested and said where it refuses it
(``listed._answers``, left43f).

left43f's tests had scikit-learn Pipelines only (their encoder says what they were fitted
on): asking the model nothing, asking it a value the data holds, or taking any answer as
taken passed them, and each would add a value the function refuses: the run then failed on
the function's error (exit 3) instead of testing F and M and saying X was not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay

KINDS = ["F", "M", "X"]


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "sex": pd.Categorical(rng.choice(["F", "M"], 300), categories=KINDS),
            "income": rng.integers(10, 120, 300),
        }
    )


def _rows(rows: object) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        return rows
    return pd.DataFrame(np.asarray(rows, dtype=object), columns=["sex", "income"])


def refusing(rows: object) -> np.ndarray:
    """Knows F and M only (as a service validating its input)."""
    frame = _rows(rows)
    if not frame["sex"].astype(str).isin(["F", "M"]).all():
        raise ValueError("sex must be F or M")
    return np.where(frame["income"].astype(float) > 60, "good", "bad")


def answering(rows: object) -> np.ndarray:
    """Takes X too, and gives it 'bad' whatever the income."""
    frame = _rows(rows)
    good = (frame["income"].astype(float) > 60) & (frame["sex"].astype(str) != "X")
    return np.where(good, "good", "bad")


def test_a_listed_value_a_function_refuses_stays_untested_and_the_run_completes(
    tmp_path: Path,
) -> None:
    result = assay.check_fairness(
        refusing, _frame(), protected="sex", max_queries=400, seed=1, store=tmp_path / "s"
    )
    assert result.status in ("completed", "budget_exhausted"), result.status
    verdict = result.summary["verdict"][0]
    assert "'X'" in verdict["untested"] and verdict["certificate"] is None
    assert result.n_findings == 0  # F and M tested: the function ignores sex between them


def test_a_listed_value_a_function_answers_is_tested(tmp_path: Path) -> None:
    result = assay.check_fairness(
        answering, _frame(), protected="sex", max_queries=400, seed=1, store=tmp_path / "s"
    )
    verdict = result.summary["verdict"][0]
    assert "untested" not in verdict
    assert verdict["level"] == "found" and "X" in set(result.findings()["sex"].astype(str))


@pytest.fixture(autouse=True)
def _classes() -> None:
    for f in (refusing, answering):
        f.classes_ = ["bad", "good"]  # type: ignore[attr-defined]
