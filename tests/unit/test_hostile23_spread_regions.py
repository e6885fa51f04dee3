"""An exact analysis whose IDIs are spread over the whole input space learns no rule (none
narrower than the space holds them better); the HTML said "Regions of sex: exact (learned
from every discriminatory box, 0.00 s)." and then showed no rule at all (hostile23)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.store import RunStore
from assay.report import build_document, render_html


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    grid = np.array(list(itertools.product(range(10), range(10), range(2))))
    frame = pd.DataFrame(grid, columns=["x0", "x1", "sex"])
    # the class is the sex everywhere but in x0 = 0 and x1 = 0 (1 % of the space)
    y = np.where((grid[:, 0] == 0) & (grid[:, 1] == 0), 1, grid[:, 2])
    return frame, y


def _page(tmp_path: Path, frame: pd.DataFrame, y: np.ndarray) -> str:
    result = assay.check_fairness(
        DecisionTreeClassifier(random_state=0).fit(frame.to_numpy(), y),
        data=frame,
        protected="sex",
        max_queries=400,
        seed=1,
        exact=True,
        determinism_check=False,
        store=tmp_path / "runs.db",
    )
    with RunStore(tmp_path / "runs.db") as store:
        doc = build_document(store, result.run_id)
    assert doc["run"]["summary"]["exact"][0]["status"] == "exact"
    return render_html(doc)


def test_an_exact_analysis_that_learned_no_rule_says_why(tmp_path: Path) -> None:
    frame, y = _frame()
    page = _page(tmp_path, frame, y)
    assert "Where discrimination concentrates" not in page  # no rule
    assert (
        "no rule narrower than the whole input space holds its discriminatory inputs better" in page
    )


def test_a_model_with_no_discriminatory_box_says_there_is_no_region(tmp_path: Path) -> None:
    frame, _ = _frame()
    page = _page(tmp_path, frame, (frame["x0"] > 4).to_numpy().astype(int))
    assert "no discriminatory box, so no region" in page
