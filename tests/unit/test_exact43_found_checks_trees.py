"""The search's own findings check the trees the exact analysis read (``exact_found``).

A misreading planted in the composed trees (they drop the model's sex effect at zip 7, a
0.5 % corner of the domain that the answer's 100 uniform inputs miss and the search finds)
gave, on main, "no input in this domain changes outcome with sex" in the exact entry beside
"10 discriminatory inputs found" (seeds 0 and 1): only the verdict row's certificate was
withdrawn, the exact entry (what the terminal, JSON, HTML and JUnit print) kept it; with a
sex effect elsewhere too (share 10 %), the exact 10.0 % stood although the trees class 7 of
the found inputs otherwise than the model answered them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

import assay
import assay.fairness.answer as answer_module
from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.fairness.answer import add_answer
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

register()

SCHEMA = Schema(
    (
        Feature("zip", "integer", 0, 199),
        Feature("sex", "integer", 0, 1),
        Feature("h", "integer", 0, 9),
    ),
    protected=("sex",),
)
CERTIFIED = "no input in this domain changes outcome with sex"


def _models(elsewhere: bool) -> tuple[DecisionTreeClassifier, DecisionTreeClassifier]:
    """The model (sex flips the class at zip 7; at h 0 too when ``elsewhere``) and the trees
    the planted misreading reads instead (without zip 7's effect)."""
    zips, hs = np.meshgrid(np.arange(200), np.arange(10))
    rows = [np.c_[zips.ravel(), np.full(zips.size, s), hs.ravel()] for s in (0, 1)]
    x = pd.DataFrame(np.vstack(rows), columns=["zip", "sex", "h"])
    base = (x.h > 4).astype(int)
    if elsewhere:
        base ^= ((x.h == 0) & (x.sex == 1)).astype(int)
    y = base ^ ((x.zip == 7) & (x.sex == 1)).astype(int)
    return (
        DecisionTreeClassifier(random_state=0).fit(x, y),
        DecisionTreeClassifier(random_state=0).fit(x, base),
    )


def _run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, elsewhere: bool) -> Any:
    model, misread = _models(elsewhere)
    other = read_trees(load_model(misread))
    assert not isinstance(other, str), other
    real = answer_module.compose_read
    monkeypatch.setattr(
        answer_module, "compose_read", lambda schema, arrays, data=None: real(schema, other, data)
    )
    monkeypatch.setattr(answer_module, "checked", lambda schema, trees, *a, **k: trees)
    return assay.check_fairness(
        model=model,
        schema=SCHEMA,
        protected=["sex"],
        max_queries=2000,
        seed=0,
        answer_samples=100,
        store=tmp_path / "runs.db",
    )


def _withdrawn(summary: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    (entry,) = summary["exact"]
    (row,) = summary["verdict"]
    assert entry["status"] == "unavailable", entry
    assert "disagree with the model on" in entry["reason"], entry["reason"]
    assert "inputs the search found" in entry["reason"]
    assert row["basis"] == "sampled" and not row["certificate"], row
    assert not any(k.startswith("exact_") for k in row), row
    assert any("inputs the search found" in w for w in summary["warnings"])
    return entry, row


def test_a_certificate_beside_found_inputs_is_withdrawn_everywhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _run(monkeypatch, tmp_path, elsewhere=False)
    _withdrawn(result.summary)
    assert CERTIFIED not in json.dumps(result.summary)
    # the stored run read back: terminal, JSON, HTML, JUnit
    out = tmp_path / "out"
    shown = CliRunner().invoke(
        app,
        [
            "report", result.run_id, "--store", str(tmp_path / "runs.db"),
            "--report", f"{out}.json", "--html", f"{out}.html", "--junit", f"{out}.xml",
        ],
    )  # fmt: skip
    said = CliRunner().invoke(app, ["show", result.run_id, "--store", str(tmp_path / "runs.db")])
    assert "inputs the search found" in said.output, said.output
    assert shown.exit_code == 1, shown.output
    for text in (said.output, *(Path(f"{out}.{x}").read_text() for x in ("json", "html", "xml"))):
        assert CERTIFIED not in text
        assert "certified zero" not in text
    for text in (said.output, *(Path(f"{out}.{x}").read_text() for x in ("json", "html"))):
        assert "inputs the search found" in text  # (JUnit: one failing case per finding)


def test_an_exact_share_the_found_inputs_contradict_is_withdrawn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _run(monkeypatch, tmp_path, elsewhere=True)
    entry, row = _withdrawn(result.summary)
    assert "7 of the 204 inputs the search found" in entry["reason"]
    # the sampled share, not the trees' 10.0 % (the model's: 10.4 %)
    assert row["share_uniform"] == row["sampled_share_uniform"]


def test_trees_read_right_keep_their_exact_figures(tmp_path: Path) -> None:
    model, _ = _models(elsewhere=True)
    result = assay.check_fairness(
        model=model, schema=SCHEMA, protected=["sex"], max_queries=2000, seed=0,
        answer_samples=100, store=tmp_path / "runs.db",
    )  # fmt: skip
    (entry,) = result.summary["exact"]
    assert entry["status"] == "exact", entry
    assert entry["share_uniform"]["low"] == pytest.approx(
        0.104
    )  # (h 0 or zip 7, not both: 208 of 2,000)
    assert result.summary["verdict"][0]["basis"] == "exact"


def test_a_stored_answer_without_its_trees_is_checked_for_the_contradiction(
    tmp_path: Path,
) -> None:
    """An answer added with no trees to class the findings through (a stored one): a found
    IDI of sex alone, the model's two answers stored with it, withdraws an exact zero's
    entry, not only its verdict row's certificate; a finding varying another column does
    not."""
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="r1", technique="fairness", seed=1, command="assay fairness", config={},
        model={}, versions={},
    )  # fmt: skip
    inputs = np.array([[[7, 0, 3], [7, 1, 3]], [[8, 0, 3], [9, 1, 3]]], dtype=np.float64)
    outputs = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])
    details = {"features": ["zip", "sex", "h"], "protected": ["sex"], "threshold": None}
    batch = FindingBatch("fairness.idi", inputs, outputs, np.ones(2), details=details)
    store.checkpoint("r1", findings=[batch], status="completed", summary={"headline": "h"})
    entry = {
        "attribute": "sex", "status": "exact", "share_uniform": {"low": 0.0, "high": 0.0},
        "certificate": CERTIFIED,
    }  # fmt: skip
    row = {
        "attribute": "sex", "basis": "exact", "level": "certified zero", "fails": None,
        "certificate": CERTIFIED, "share_uniform": 0.0, "sampled_share_uniform": 0.0,
        "uniform_sampled": 100, "exact_uniform_low": 0.0, "exact_uniform_high": 0.0,
    }  # fmt: skip
    try:
        add_answer(store, "r1", {"exact": [entry], "verdict": [row]})
        summary = store.get_run("r1").summary
    finally:
        store.close()
    (got,) = summary["exact"]
    assert got["status"] == "unavailable", got
    assert "the search found 1 the model confirms" in got["reason"]
    assert summary["verdict"][0]["level"] == "found"
    assert not summary["verdict"][0]["certificate"]
