"""An exact analysis whose IDIs are spread over the whole input space learns no rule (none
narrower than the space holds them better); the HTML said "Regions of sex: exact (learned
from every discriminatory box, 0.00 s)." and then showed no rule at all (hostile23)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

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


def _doc(tmp_path: Path, frame: pd.DataFrame, y: np.ndarray) -> dict[str, Any]:
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
        doc: dict[str, Any] = build_document(store, result.run_id)
    assert doc["run"]["summary"]["exact"][0]["status"] == "exact"
    return doc


def _page(tmp_path: Path, frame: pd.DataFrame, y: np.ndarray) -> str:
    return render_html(_doc(tmp_path, frame, y))


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


def test_an_exact_rule_no_denser_than_the_space_is_not_said_unconfirmed_on_held_out_rows(
    tmp_path: Path,
) -> None:
    """Exact figures have no held-out rows: a rule whose exact share inside is not above the
    overall share was marked "(not confirmed on held-out rows)"."""
    frame, _ = _frame()
    grid = frame.to_numpy()
    doc = _doc(
        tmp_path, frame, np.where((grid[:, 0] < 3) & (grid[:, 1] < 3), grid[:, 2], grid[:, 0] > 4)
    )
    region = doc["run"]["summary"]["regions"][0]
    assert region["figures"] == "exact"
    region["confirmed"] = False  # (as a rule grown on what an earlier one left may be)
    page = render_html(doc)
    assert "(no more discriminatory inside than over the whole input space)" in page
    assert "not confirmed on held-out rows" not in page
