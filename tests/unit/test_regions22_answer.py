"""The answer's regions: exact when the exact analysis decided the model, sampled (and said
so) when it did not; the JSON, the HTML report and the command line say which."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.core.rng import generator
from assay.fairness.encoded import EncodedModel
from assay.fairness.exact import analyse, compose_read
from assay.fairness.regions import Rule
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer
from assay.models import load_model
from assay.models.trees import read_trees


def _grid(schema: Schema) -> np.ndarray:
    axes = [np.arange(f.encoded_low, f.encoded_high + 1) for f in schema.features]
    return np.array(list(itertools.product(*axes)), dtype=np.float64)


PLANTED = Schema(
    (
        Feature("x0", "integer", 0, 14),
        Feature("x1", "integer", 0, 14),
        Feature("sex", "integer", 0, 1),
        Feature("x2", "integer", 0, 14),
        Feature("x3", "integer", 0, 14),
    ),
    protected=("sex",),
)
BOX = {0: (3.0, 4.0), 1: (10.0, 11.0), 3: (0.0, 1.0)}  # 8 of 3,375 cells: 0.24 % of the space


def planted_tree() -> DecisionTreeClassifier:
    """A tree fitted on every input of the domain: its class follows x3 > 7, except inside
    ``BOX``, where it is the sex (so every IDI is in the box, and all of the box is IDIs)."""
    grid = _grid(PLANTED)
    inside = Rule(dict(BOX)).contains(grid)
    y = np.where(inside, grid[:, 2], grid[:, 4] > 7).astype(int)
    return DecisionTreeClassifier(random_state=0).fit(grid, y)


def _answer(est: Any, *, time_budget: float = 60.0, samples: int = 4_000) -> dict[str, Any]:
    model = load_model(est)
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    trees = compose_read(PLANTED, arrays)
    assert not isinstance(trees, str), trees
    ex = analyse(PLANTED, trees, "sex", time_budget=time_budget)
    return answer(
        PLANTED,
        EncodedModel(PLANTED, model),
        generator(0),
        samples=samples,
        class_names=("no", "yes"),
        exact={"sex": ex},
    )


def test_a_planted_region_comes_back_as_the_top_rule_with_exact_figures() -> None:
    got = _answer(planted_tree())
    top = got["regions"][0]
    assert top["figures"] == "exact" and top["sample"] == "exact"
    assert top["conditions"] == {"x0": [3.0, 4.0], "x1": [10.0, 11.0], "x2": [0.0, 1.0]}
    assert top["share_inside"] == top["share_inside_low"] == top["share_inside_high"] == 1.0
    assert top["recall"] == pytest.approx(1.0) and top["weight_space"] == pytest.approx(8 / 3375)
    assert top["confirmed"] and len(got["regions"]) == 1
    assert got["exact"][0]["regions"]["figures"] == "exact"
    assert got["exact"][0]["regions"]["why_sampled"] is None


def test_a_model_that_never_uses_the_attribute_gets_no_region_exactly() -> None:
    grid = _grid(PLANTED)
    est = DecisionTreeClassifier(random_state=0).fit(grid, (grid[:, 4] > 7).astype(int))
    got = _answer(est)
    (ex,) = got["exact"]
    assert ex["status"] == "exact" and ex["certificate"]
    assert not got["regions"]
    # no region because the exact analysis decided there is none, not for want of samples
    assert ex["regions"]["figures"] == "exact" and ex["regions"]["why_sampled"] is None


def test_an_undecided_exact_analysis_keeps_sampled_rules_and_says_so() -> None:
    # a bias over a large part of the space (x3 >= 8): the sample learns rules there
    grid = _grid(PLANTED)
    y = np.where(grid[:, 4] >= 8, grid[:, 2], grid[:, 0] > 7).astype(int)
    est = DecisionTreeClassifier(random_state=0).fit(grid, y)
    got = _answer(est, time_budget=0.0)  # stopped at once: bounds only
    (ex,) = got["exact"]
    assert ex["status"] == "bounded"
    assert ex["regions"]["figures"] == "sampled"
    assert "did not decide" in ex["regions"]["why_sampled"]
    assert got["regions"], got["regions"]
    for r in got["regions"]:
        assert r["figures"] == "sampled" and r["sample"] == "uniform"
        assert r["held_out_rows_inside"] > 0


def test_the_command_line_says_which_figures_are_exact_and_which_sampled() -> None:
    from assay.cli.answer_lines import _where

    got = _answer(planted_tree())
    v = {"attribute": "sex", "share_uniform": got["verdict"][0]["share_uniform"]}
    line = _where({"regions": got["regions"], "exact": got["exact"]}, v)
    assert line.startswith("; most concentrated in: x0 3-4 and x1 10-11 and x2 <= 1 (exact: ")
    assert "100.00 % discriminatory inside" in line and "100.00 % of the IDIs" in line
    sampled = {
        "attribute": "sex", "confirmed": True, "rule": "x0 <= 4", "share_inside": 0.03,
        "share_inside_low": 0.02, "share_inside_high": 0.04, "weight_space": 0.3,
        "held_out_rows_inside": 30, "drawn_inside": 1000, "sample": "uniform",
        "figures": "sampled",
    }  # fmt: skip
    assert "(sampled: 3.00 % discriminatory inside, 95 % CI" in _where({"regions": [sampled]}, v)


def test_the_html_report_says_which_figures_are_exact(tmp_path: Any) -> None:
    import pandas as pd

    import assay
    from assay.core.store import RunStore
    from assay.report import build_document, render_html

    grid = _grid(PLANTED)
    frame = pd.DataFrame(grid, columns=PLANTED.names).astype(int)
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
    assert summary["regions"][0]["figures"] == "exact", summary["regions"]
    page = render_html(doc)
    assert "sex #1</b> (exact): x0 3-4 and x1 10-11 and x2 &lt;= 1" in page
    assert "Regions of sex: exact (learned from every discriminatory box" in page


def test_an_exact_rule_the_sample_missed_gets_witnesses_from_its_boxes() -> None:
    got = _answer(planted_tree(), samples=300)
    assert got["verdict"][0]["uniform_low"] == 0.0  # the 300 uniform inputs met no IDI
    (top,) = got["regions"]
    assert top["figures"] == "exact" and top["witnesses"]
    for w in top["witnesses"]:  # inputs of the planted box, asked of the model
        assert 3 <= w["x0"] <= 4 and 10 <= w["x1"] <= 11 and w["x2"] <= 1
        assert w["outcome by sex"] == "0: no, 1: yes"
