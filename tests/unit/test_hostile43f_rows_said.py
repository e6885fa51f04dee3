"""hostile43f: under ``missing="drop"`` the answer's "21.66 % of the data rows" was of the
471 complete rows, not of the 600 given; only a note elsewhere said so.  The line names its
rows now."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.display import data_rows
from assay.report.verdict_text import share_text


def test_the_share_over_the_data_names_the_complete_rows(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 300), "income": rng.integers(0, 9, 300)})
    model = DecisionTreeClassifier(max_depth=3).fit(frame, frame["income"] + 3 * frame["sex"] > 5)
    holed = frame.astype({"income": float})
    holed.loc[:39, "income"] = np.nan
    result = assay.check_fairness(
        model, holed, protected="sex", missing="drop", max_queries=300, seed=1, store=tmp_path / "s"
    )
    verdict = result.summary["verdict"][0]
    assert (verdict["data_rows"], verdict["rows_set_aside"]) == (260, 40)
    said = "of the 260 complete data rows (40 with an empty value set aside)"
    assert said in share_text(verdict) and said in result._repr_html_()


def test_rows_are_named_only_when_some_were_set_aside() -> None:
    assert data_rows({}) == "the data rows"
    assert data_rows({"data_rows": 10, "rows_set_aside": 0}) == "the data rows"
