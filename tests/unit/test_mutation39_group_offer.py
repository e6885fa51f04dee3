"""The Jupyter view's offer of ``group_metrics()`` counts the rows it would ask: a built-in
model's held-out rows, not every row of its dataset; the rerun call of a run that retrained
names ``retrain=True`` (mutation39; one run for both: retraining takes ~20 s)."""

from __future__ import annotations

from pathlib import Path

import assay


def test_the_offer_counts_a_builtin_models_held_out_rows_and_the_call_its_retraining(
    tmp_path: Path,
) -> None:
    r = assay.check_fairness(None, dataset="adult", protected="sex", max_queries=200, seed=1,
                             store=tmp_path / "s.db", retrain=True,
                             retrain_dir=tmp_path / "m")  # fmt: skip
    assert ", retrain=True, store=" in r.command, r.command
    test = r.setup.test
    assert test.context_rows is not None and len(test.context_rows) < len(test.labels)
    offer = r._repr_html_().splitlines()[-1]
    assert f"each of the {len(test.context_rows):,} labelled rows" in offer, offer
