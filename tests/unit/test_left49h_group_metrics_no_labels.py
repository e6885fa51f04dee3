"""``result.group_metrics()`` of a run whose data has no labels says why there are none, as
the Jupyter view does (hostile49: it returned None silently, and a notebook's next line,
``frame.by_group``, failed on ``'NoneType' object has no attribute 'by_group'``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"age": rng.integers(18, 70, 200), "sex": rng.choice(["F", "M"], 200)})


def _model(X: pd.DataFrame) -> np.ndarray:
    return ((X["age"].to_numpy() > 40) | (X["sex"].to_numpy() == "M")).astype(int)


def test_group_metrics_without_labels_is_an_error_saying_what_the_view_says(
    tmp_path: Path,
) -> None:
    r = assay.check_fairness(
        _model, _data(), protected="sex", max_queries=200, seed=1, store=tmp_path / "s.db"
    )
    with pytest.raises(assay.UsageError) as caught:
        r.group_metrics()
    said = str(caught.value)
    assert said.startswith(f"run {r.run_id} has no group metrics: the data has no labels")
    assert "give label=" in said and "--label" not in said
    view = re.sub(r"</?code>", "", r._repr_html_())
    assert said.split(": ", 1)[1] in view  # (the view and the call say it alike)


def test_group_metrics_with_labels_is_a_metric_frame(tmp_path: Path) -> None:
    df = _data().assign(outcome=lambda d: (d["age"] > 30).astype(int))
    r = assay.check_fairness(
        _model,
        df,
        protected="sex",
        label="outcome",
        max_queries=200,
        seed=1,
        store=tmp_path / "s.db",
    )
    frame = r.group_metrics()
    assert set(frame.by_group.index) == {"F", "M"}
