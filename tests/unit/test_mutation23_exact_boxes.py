"""mutation23: the exact analysis keeps every discriminatory box for exact regions up to its
bound (regions22), says why when it does not, and the HTML report names sampled regions
sampled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

from assay.fairness.exact_regions import why_sampled

from test_mutation23_exact_answer import _exact  # isort: skip
from test_regions22_answer import PLANTED, _grid, planted_tree  # isort: skip


def test_every_box_is_kept_up_to_the_bound_and_none_beyond() -> None:
    n = _exact(planted_tree()).n_boxes
    assert n > 1
    ex = _exact(planted_tree(), max_kept=n)
    assert ex.every_box is not None and len(ex.every_box) == n and ex.every_box_note is None
    ex = _exact(planted_tree(), max_kept=n - 1)
    assert ex.every_box is None
    assert (
        ex.every_box_note
        == f"{n:,} discriminatory boxes, more than the {n - 1:,} kept for exact regions"
    )


def test_an_undecided_analysis_keeps_no_box_and_says_why() -> None:
    ex = _exact(planted_tree(), time_budget=0.0)
    assert ex.status == "bounded" and ex.every_box is None
    assert ex.every_box_note == "the exact analysis did not decide every box (bounds only)"


def test_an_ensembles_analysis_says_it_keeps_its_largest_boxes_only() -> None:
    grid = _grid(PLANTED)
    y = np.where(grid[:, 4] > 7, grid[:, 2], grid[:, 0] > 7).astype(int)
    forest = RandomForestClassifier(3, max_depth=4, random_state=0).fit(grid, y)
    ex = _exact(forest)
    assert ex.status == "exact" and ex.every_box is None
    assert ex.every_box_note == "the branch and bound of an ensemble keeps its largest boxes only"
    assert why_sampled(ex) == ex.every_box_note  # the answer says so


def test_the_html_report_says_sampled_regions_are_sampled(tmp_path: Path) -> None:
    import assay
    from assay.core.store import RunStore
    from assay.report import build_document, render_html

    frame = pd.DataFrame(_grid(PLANTED), columns=PLANTED.names).astype(int)
    result = assay.check_fairness(
        planted_tree(),
        data=frame.sample(2_000, random_state=0),
        protected="sex",
        max_queries=2_000,
        seed=1,
        store=tmp_path / "runs.db",
        exact=True,
    )
    with RunStore(tmp_path / "runs.db") as store:
        doc = build_document(store, result.run_id)
    summary = doc["run"]["summary"]
    for r in summary["regions"]:  # as a run whose analysis did not decide would hold them
        r["figures"] = "sampled"
    for e in summary["exact"]:
        e["regions"] = {"figures": "sampled", "why_sampled": "bounds only", "seconds": 0.1}
    page = render_html(doc)
    assert "sex #1</b> (sampled): x0 3-4" in page
    assert "Regions of sex: sampled (bounds only)" in page
    assert "(exact)" not in page and "Regions of sex: exact" not in page
