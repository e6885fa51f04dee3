"""``--retrain`` whose own search found nothing said "Nothing to retrain ... the model is
unchanged" beside the run's exit 1 (the run's search or answer had found discrimination),
with no word of why (hostile51c: XGBoost on 1 IDI in 500).  The words now say that what the
run found stands, the model being unchanged, and that the retraining's search had the run's
query budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
import assay.fairness.retrain as retrain
from assay.fairness.nothing_retrained import found_all_the_same


class _Blind:
    """A search that finds nothing and is done at once."""

    done = True

    def step(self) -> list[Any]:
        return []


def test_a_run_that_found_discrimination_says_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(20, 60, 400), "sex": rng.integers(0, 2, 400)})
    labels = ((frame["age"] > 40) & (frame["sex"] == 1)).astype(int)
    model = DecisionTreeClassifier(random_state=0).fit(frame, labels)
    monkeypatch.setattr(retrain, "make_search", lambda *a, **k: _Blind())
    result = assay.check_fairness(
        model,
        frame.assign(y=labels),
        protected="sex",
        label="y",
        max_queries=600,
        seed=1,
        retrain=True,
        retrain_dir=tmp_path / "models",
        store=tmp_path / "s.db",
    )
    assert not result.passed and result.n_findings
    text = result.mitigation["text"]
    assert text.startswith("Nothing to retrain")
    assert f"This run found discrimination all the same ({result.n_findings:,} findings" in text
    assert "what the run found, and its exit code, stand" in text
    assert "search of 600 queries found none of it" in text


def test_a_run_that_found_nothing_adds_nothing() -> None:
    assert found_all_the_same(0, {"verdict": [{"attribute": "sex", "level": "none"}]}, 9) == ""
    said = found_all_the_same(0, {"verdict": [{"attribute": "sex", "level": "found"}]}, 9)
    assert "(its answer found discrimination on sex)" in said
