"""A short ``--max-time`` that loading (a busy machine, a slow model) took most of: the run
says where the time went, the answer leaves the search its share, and a search that asked
nothing is never a pass."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.outcome import not_a_pass
from assay.fairness.phases import answer_time


def fair(x: Any) -> np.ndarray:
    """Reads only x: no input changes with sex alone."""
    return (np.asarray(x, dtype=np.float64)[:, 0] > 30).astype(np.int64)


def _frame() -> Any:
    import pandas as pd

    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.integers(0, 50, 400), rng.integers(0, 10, 400), rng.integers(0, 2, 400)]
    )
    return pd.DataFrame(X, columns=["x", "z", "sex"])


def _slow_loading(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    import assay.fairness.check as fairness_check

    loaded = fairness_check.setup_fairness

    def slow_setup(*args: object, **kwargs: object) -> object:
        time.sleep(seconds)
        return loaded(*args, **kwargs)

    monkeypatch.setattr(fairness_check, "setup_fairness", slow_setup)


def test_a_search_that_asked_nothing_is_not_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading took all of --max-time: the search asked nothing, and the answer (which
    found nothing on this fair model) does not make the run a pass (before: exit 0)."""
    _slow_loading(monkeypatch, 2.2)
    result = assay.check_fairness(
        fair, data=_frame(), protected="sex", max_time=2.0, seed=1, store=tmp_path / "r.db"
    )
    summary = result.summary
    assert summary["model_queries"]["search"] == 0
    failed = not_a_pass(summary)
    assert failed is not None, summary.get("headline")
    assert "the search asked no query" in failed[1] and "loading 2." in failed[1], failed
    spent = summary["seconds_by_phase"]
    assert spent["loading"] >= 2.2 and spent["search"] < 0.2, spent
    assert any(w.startswith("--max-time 2 left the search") for w in result.warnings)


def test_a_run_with_time_for_its_search_says_nothing_more(tmp_path: Path) -> None:
    result = assay.check_fairness(
        fair, data=_frame(), protected="sex", max_time=3.0, seed=1, store=tmp_path / "r.db"
    )
    assert not any(w.startswith("--max-time") for w in result.warnings), result.warnings
    assert set(result.summary["seconds_by_phase"]) >= {"loading", "answer", "search"}


def test_the_answer_leaves_the_search_its_share_of_what_loading_left() -> None:
    """--max-time 4 with 1 s left after loading: the answer takes a quarter of that second,
    not a tenth of the 4 s (0.4 s, which with the finishing reserve left the search none)."""
    assert answer_time(4.0) == pytest.approx(0.4)
    assert answer_time(4.0, left=1.0) == pytest.approx(0.25)
    assert answer_time(4.0, left=10.0) == pytest.approx(0.4)
    assert answer_time(4.0, left=-1.0) == 0.0
