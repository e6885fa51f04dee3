"""An --exact-time the user gave is spent (hostile23): without --exact, an analysis that had
decided nothing after a fifth of the time gave up ("stopped after 1.3 s ... ask for it with
--exact --exact-time SECONDS") though --exact-time 5 had been given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
import assay.fairness.answer as answer_module


def _seen_give_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> list[Any]:
    seen: list[Any] = []
    real = answer_module.analyse

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("give_up"))
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_module, "analyse", spy)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 400), "sex": rng.integers(0, 2, 400)})
    y = (frame["x"] + 10 * frame["sex"] > 30).astype(int)
    model = DecisionTreeClassifier(random_state=0).fit(frame.to_numpy(), y)
    kw.update(data=frame, protected="sex", max_queries=300, seed=1, determinism_check=False)
    assay.check_fairness(model, store=tmp_path / "runs.db", **kw)
    return seen


def test_an_exact_time_given_is_spent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _seen_give_up(tmp_path, monkeypatch, exact_time=5.0) == [None]


def test_the_automatic_default_still_gives_up_early(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _seen_give_up(tmp_path, monkeypatch) == [answer_module.AUTO_GIVE_UP]


def test_an_exact_time_with_the_analysis_off_is_a_usage_error(tmp_path: Path) -> None:
    """``--no-exact --exact-time 5`` ran, the time silently unused."""
    from assay.errors import UsageError

    frame = pd.DataFrame({"x": [1, 2, 3, 4], "sex": [0, 1, 0, 1]})
    model = DecisionTreeClassifier(random_state=0).fit(frame.to_numpy(), [0, 1, 0, 1])
    with pytest.raises(UsageError, match="--no-exact turns the analysis off"):
        assay.check_fairness(
            model, data=frame, protected="sex", exact=False, exact_time=5.0, store=tmp_path / "r.db"
        )
    assert not (tmp_path / "r.db").exists() or not assay.RunStore(tmp_path / "r.db").list_runs()
