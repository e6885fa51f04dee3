"""hostile41f: ``assay show`` ("queries   3,000") and the HTML header ("Queries 3,000") gave
the search's count alone, while the model was asked 11,146 queries in all (the answer's
samples, the checks), as the headline below them says: a reader paying per query read a
quarter of the bill.  Both now give the whole count beside the search's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import assay
from assay.cli.app import main
from assay.report.html import _header


def test_the_html_header_gives_every_query_asked() -> None:
    run = {"id": "r", "progress": {"queries": 3000}, "summary": {"model_queries": {"total": 11146}}}
    rows = dict((k, v) for k, v, _ in _header(run, {}))
    assert rows["Queries"] == "3,000 (11,146 asked of the model in all)"
    alone = {"id": "r", "progress": {"queries": 3000}, "summary": {}}
    assert dict((k, v) for k, v, _ in _header(alone, {}))["Queries"] == "3,000"


def test_show_gives_every_query_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 300), "income": rng.normal(size=300)})
    model = LogisticRegression().fit(frame, frame["income"] + frame["sex"] > 0.5)
    store = tmp_path / "runs.db"
    result = assay.check_fairness(model, frame, protected="sex", max_queries=400, store=store)
    total = result.summary["model_queries"]["total"]
    assert total > 400
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["show", result.run_id, "--store", str(store)])
    out = capsys.readouterr().out
    assert f"({total:,} asked of the model in all)" in out


def test_the_time_in_the_model_says_it_is_the_searchs() -> None:
    progress = {"queries": 3000, "elapsed": 0.937, "model_seconds": 0.73}
    run = {"id": "r", "progress": progress, "summary": {"wall_seconds": 10.28}}
    rows = dict((k, v) for k, v, _ in _header(run, {}))
    assert rows.get("Time in the model while searching") == "0.73 s"
