"""left44f: for polars data, loading asks the model its two probe rows as pandas (and as
polars when that fails) to learn the form it needs (hostile44f).  That probe was a direct
call outside ``--call-timeout``: a model hanging there hung the run, whatever the deadline.
It is now under the run's call deadline, as every other model call."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import assay


class _HangsOnItsFirstCall:
    """Answers by income; its first call waits until released (a hung model)."""

    def __init__(self, release: threading.Event) -> None:
        self.feature_names_in_ = np.array(["sex", "income"], dtype=object)
        self.n_features_in_ = 2
        self.classes_ = np.array(["bad", "good"])
        self.release = release
        self.calls = 0

    def fit(self, X: Any, y: Any) -> _HangsOnItsFirstCall:
        return self

    def predict(self, X: Any) -> np.ndarray:
        self.calls += 1
        if self.calls == 1:
            self.release.wait(30)
        return np.where(np.asarray(X["income"], dtype=float) > 5000, "good", "bad")


def _data() -> pl.DataFrame:
    rng = np.random.default_rng(0)
    return pl.DataFrame(
        {"sex": rng.choice(["F", "M"], 100), "income": rng.integers(10, 200, 100) * 100}
    )


def test_a_model_hanging_on_the_polars_probe_meets_the_call_timeout(tmp_path: Path) -> None:
    release = threading.Event()
    model = _HangsOnItsFirstCall(release)
    try:
        with pytest.raises(assay.ModelError, match=r"\(call_timeout\)"):
            assay.check_fairness(
                model,
                _data(),
                protected="sex",
                max_queries=300,
                store=tmp_path / "s",
                call_timeout=1,
            )
        assert model.calls == 1  # (the hung call only: nothing asked beside or after it)
    finally:
        release.set()


def test_a_model_answering_at_once_is_tested(tmp_path: Path) -> None:
    release = threading.Event()
    release.set()
    model = _HangsOnItsFirstCall(release)
    result = assay.check_fairness(
        model,
        _data(),
        protected="sex",
        max_queries=300,
        seed=1,
        store=tmp_path / "s",
        call_timeout=1,
    )
    assert result.n_findings == 0 and model.calls > 1
