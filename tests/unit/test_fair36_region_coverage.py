"""fair36: the command line, the HTML report and the JSON say one figure for the share of
the IDIs a region covers (hostile35's Left 5: the terminal said "about 100.00 % of the
IDIs", its share inside times its weight over the overall share capped at 100 %, where the
HTML said "share of the held-out IDIs it covers 97.67 %"); and a run on a pandas frame of
the user's own form (named columns, string categories, a category and a bool dtype, a
continuous column of one decimal) finds no IDI twice within float rounding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.core.display import value
from assay.core.store import RunStore
from assay.report import build_document
from assay.report.html import render_html
from assay.report.junit_cases import fairness_key
from assay.report.region_text import covered, covered_text
from assay.testing import _Lines


def _frame() -> pd.DataFrame:
    """hostile35's people table (``mk.py``): 600 rows, a model favouring ``Male``."""
    rng = np.random.default_rng(0)
    n = 600
    df = pd.DataFrame(
        {
            "Age years": rng.integers(18, 70, n),
            "sex": pd.Categorical(rng.choice(["Male", "Female"], n)),
            "city": rng.choice(["Köln", "São Paulo", "a&b<c>"], n),
            "member": rng.random(n) < 0.4,
            "income": rng.normal(50, 15, n).round(1),
        }
    )
    score = (df["sex"] == "Male") * 1.0 + (df["income"] - 50) / 15 + rng.normal(0, 0.5, n)
    df["outcome"] = np.where(score > 0.5, "approved", "denied")
    return df


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    df = _frame()
    x = df.drop(columns="outcome")
    onehot = OneHotEncoder(handle_unknown="ignore")
    encode = ColumnTransformer([("oh", onehot, ["sex", "city"])], remainder="passthrough")
    pipe = Pipeline([("ct", encode), ("lr", LogisticRegression(max_iter=1000))])
    pipe.fit(x, df["outcome"])
    where = tmp_path_factory.mktemp("fair36") / "runs.db"
    result = assay.check_fairness(
        pipe, data=x, protected="sex", max_queries=3000, seed=4, store=where
    )
    with RunStore(where) as store:
        doc = build_document(store, result.run_id)
    return result, doc


def _top(summary: dict[str, Any]) -> dict[str, Any]:
    regions = [r for r in summary["regions"] if r["attribute"] == "sex" and r["confirmed"]]
    assert regions, summary["regions"]
    return regions[0]


def test_the_terminal_the_html_and_the_json_say_one_share_of_the_idis(
    run: tuple[Any, dict[str, Any]],
) -> None:
    result, doc = run
    region = _top(doc["run"]["summary"])
    assert region["figures"] == "sampled"
    k, n = region["held_out_idis_inside"], region["held_out_idis"]
    assert 0 < k <= n and region["recall"] == pytest.approx(k / n)  # the JSON
    text = covered_text(region)
    assert text == f"about {100 * k / n:.2f} % of the IDIs ({k:,} of the {n:,} held out)"
    lines = _Lines()
    assay.cli.answer_lines.say_answer(lines, result.summary)
    line = next(x for x in lines.lines if x.startswith("sex:"))
    assert f"; {text})" in line  # the terminal
    assert line.count("% of the IDIs") == 1
    html = render_html(doc)
    assert f"<dt>IDIs it covers</dt><dd>{text}</dd>" in html  # the HTML
    # the product the terminal said before is not what either says
    product = min(1.0, region["share_inside"] * region["weight_space"] / _share(doc))
    if abs(product - k / n) > 1e-4:
        assert f"about {100 * product:.2f} % of the IDIs" not in line + html


def _share(doc: dict[str, Any]) -> float:
    verdict = next(v for v in doc["run"]["summary"]["verdict"] if v["attribute"] == "sex")
    return float(verdict["share_uniform"])


def test_hostile35s_region_reads_as_its_held_out_count_not_a_capped_product() -> None:
    """hostile35's run: 100 % inside, 17.19 % of the space, an overall share of 16.27 %
    (the product 105.7 %, said as "about 100.00 %"); 42 of the 43 held-out IDIs inside."""
    region = {
        "attribute": "sex", "rank": 1, "rule": "income 41.86 to 57.51", "confirmed": True,
        "share_inside": 1.0, "share_inside_low": 0.9162, "share_inside_high": 1.0,
        "held_out_rows_inside": 42, "recall": 42 / 43, "held_out_idis": 43,
        "held_out_idis_inside": 42, "weight_space": 0.1719, "sample": "uniform",
        "figures": "sampled",
    }  # fmt: skip
    verdict = {"attribute": "sex", "share_uniform": 0.1627, "basis": "sampled", "level": "found"}
    lines = _Lines()
    assay.cli.answer_lines.say_answer(lines, {"verdict": [verdict], "regions": [region]})
    line = next(x for x in lines.lines if x.startswith("sex:"))
    assert "17.19 % of the input space; about 97.67 % of the IDIs (42 of the 43 held out))" in line
    assert "100.00 % of the IDIs" not in line  # (main: "about 100.00 % of the IDIs")


def test_exact_and_data_rules_and_older_runs_read_the_same_way() -> None:
    exact = {"figures": "exact", "recall": 0.125, "sample": "exact"}
    assert covered_text(exact) == "12.50 % of the IDIs"
    data = {"recall": 0.5, "sample": "data", "held_out_idis": 8, "held_out_idis_inside": 4}
    assert covered_text(data) == "about 50.00 % of the data rows' IDIs (4 of the 8 held out)"
    older = {"recall": 0.0067, "sample": "uniform"}  # stored before the counts were
    assert covered_text(older) == "about 0.67 % of the IDIs"
    assert covered({"recall": None}) is None and covered_text({"recall": None}) is None


def test_a_frame_of_the_users_form_gives_no_idi_twice_within_rounding(
    run: tuple[Any, dict[str, Any]],
) -> None:
    result, _ = run
    frame = result.findings(limit=None)
    own = frame[~frame["generated"]]
    assert len(own) == result.n_findings > 500
    assert set(own["sex"].astype(str)) <= {"Male", "Female"}
    assert own["member"].dtype == bool and set(own["city"]) <= {"Köln", "São Paulo", "a&b<c>"}
    cols = ["Age years", "city", "member", "income"]
    exact = own[cols].astype(str).agg("|".join, axis=1)
    rounded = own[cols].assign(income=own["income"].round(9)).astype(str).agg("|".join, axis=1)
    # (on main: 1,325 IDIs, 68 of them equal to another within rounding)
    assert exact.nunique() == rounded.nunique() == len(own)


def test_a_witness_value_reads_the_same_in_the_terminal_the_json_and_the_html(
    run: tuple[Any, dict[str, Any]],
) -> None:
    """A continuous value of a witness: six significant digits everywhere (the HTML's table
    wrote 54.3871 as 54.39, the terminal's example and the JSON as 54.3871)."""
    result, doc = run
    region = _top(doc["run"]["summary"])
    html = render_html(doc)
    lines = _Lines()
    assay.cli.answer_lines.say_answer(lines, result.summary)
    example = next(x for x in lines.lines if x.strip().startswith("e.g."))
    incomes = [w["income"] for w in region["witnesses"]]
    assert any(len(value(x)) > 5 for x in incomes), incomes  # one with 4 significant digits
    for x in incomes:
        assert isinstance(x, float)
        assert f"<td>{value(x)}</td>" in html
    assert f"income {value(incomes[0])}:" in example


def test_two_idis_whose_values_read_alike_are_two_junit_cases() -> None:
    """A JUnit case names an IDI's continuous values as the terminal does (``50.011``, where
    the number format said ``50.01``) and hashes the values themselves: two IDIs reading
    alike keep two names, not one name with positions appended."""
    features = [
        {"name": "age", "kind": "integer", "low": 18, "high": 70},
        {"name": "sex", "kind": "categorical", "categories": ["Female", "Male"]},
        {"name": "income", "kind": "continuous", "low": 4.3, "high": 95.3},
    ]
    run = {"config": {"schema": {"features": features}}}

    def idi(income: float) -> dict[str, Any]:
        return {"kind": "fairness.idi", "inputs": [[27.0, 0.0, income], [27.0, 1.0, income]]}

    a, b = fairness_key(idi(50.011), run), fairness_key(idi(50.0110001), run)
    assert a is not None and b is not None
    assert "income=50.011 [" in a and "income=50.011 [" in b  # (main: income=50.01)
    assert a != b  # (main: one name, told apart by the findings' positions)
    # a value its six digits say whole keeps the name it had (as on main)
    assert fairness_key(idi(49.1), run) == "sex=Female / sex=Male; age=27, income=49.1 [75789a8a]"
