"""left43f: a model of three outcomes (``approve``/``review``/``decline``): the direction
counted the favourable class alone, so "the M variant gets 'approve' in 50.00 %" left unsaid
that in the other half M gets ``review`` where F gets ``decline``.  Each value's share of
every class is now said (``gets``) on the command line, in the JSON and the HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.cli.answer_lines import say_answer
from assay.cli.console import Output
from assay.core.store import RunStore
from assay.report import build_document
from assay.report.html import render_html


def _result(tmp_path: Path) -> Any:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 600), "income": rng.integers(0, 100, 600)})
    score = frame["income"] + frame["sex"] * 30  # M (1) one step up: decline -> review -> approve
    label = np.select([score > 90, score > 50], ["approve", "review"], "decline")
    model = DecisionTreeClassifier(max_depth=5, random_state=0).fit(frame, label)
    return assay.check_fairness(
        model, frame, protected="sex", favourable="approve", max_queries=1000, seed=1,
        store=tmp_path / "s",
    )  # fmt: skip


def test_each_outcome_is_said_per_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _result(tmp_path)
    rows = [d for d in result.summary["direction"] if d["distribution"] != "data"]
    # main: no such key: the favourable class's share alone
    gets = {str(d["value"]): d["gets"] for d in rows}
    assert set(gets["0"]) == {"approve", "decline", "review"}
    for shares in gets.values():
        assert sum(shares.values()) == pytest.approx(1.0)
    assert gets["0"]["decline"] > 0 and gets["1"]["decline"] == 0  # F's decline is M's review
    say_answer(Output(quiet=False), result.summary)
    line = [s for s in capsys.readouterr().out.splitlines() if "each outcome, by sex" in s]
    assert len(line) == 1 and "'decline'" in line[0] and "'review'" in line[0]
    with RunStore(tmp_path / "s") as store:
        page = render_html(build_document(store, result.run_id))
    assert "each outcome in" in page and "decline " in page
