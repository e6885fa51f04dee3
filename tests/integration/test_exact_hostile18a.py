"""hostile18a through the command line: a data scientist's scaled tree on a continuous
feature whose bounds are not whole numbers was 'certified zero', exit 0, while it decides by
sex at the top of the range; a clean model of the same form keeps its certificate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()


def _files(d: Path, biased: bool) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    n = 3000
    frame = pd.DataFrame(
        {
            "x": rng.uniform(0.6, 9.4, n).round(3),
            "s": rng.integers(0, 2, n),
            "b": rng.integers(0, 4, n),
        }
    )
    frame.loc[0, "x"], frame.loc[1, "x"] = 0.6, 9.4  # the data's bounds: the domain's
    y = (frame.x > 9.35) & ((frame.s == 1) if biased else (frame.b == 3))
    pipe = make_pipeline(StandardScaler(), DecisionTreeClassifier(random_state=0))
    pipe.fit(frame, y.astype(int))
    model, csv = d / "scaled.skops", d / "people.csv"
    skops.io.dump(pipe, model)
    frame.to_csv(csv, index=False)
    return model, csv


@pytest.mark.parametrize("biased", [True, False])
def test_a_scaled_tree_on_fractional_bounds_is_not_certified_when_it_discriminates(
    tmp_path: Path, biased: bool
) -> None:
    model, csv = _files(tmp_path, biased)
    report = tmp_path / "r.json"
    args = ["fairness", str(model), "--data", str(csv), "--protected", "s", "--exact"]
    args += ["--max-queries", "200", "--seed", "1", "--trust", str(model)]
    args += ["--store", str(tmp_path / "runs.db"), "--report", str(report)]
    result = runner.invoke(app, args)
    (verdict,) = json.loads(report.read_text())["run"]["summary"]["verdict"]
    if biased:  # x above the tree's cut near 9.36 (0.5 % of the space): main exit 0
        assert result.exit_code == 1, result.output
        assert not verdict["certificate"], result.output
        assert verdict["basis"] == "exact" and 0.003 < verdict["share_uniform"] < 0.007
        assert "certified zero" not in result.output
    else:
        assert result.exit_code == 0, result.output
        assert verdict["certificate"] and "certified zero" in result.output


def test_a_certificate_on_bins_says_it_is_about_each_bins_number(tmp_path: Path) -> None:
    """A tree that gives ages 25-28 the good outcome, tested by bins 18-29 / 30-49 / 50-79
    (each bin given as its median: 23, 40, 65): no bin's number gets it, so the analysis
    certifies zero, which main stated as 'no input in this domain changes outcome with age'
    with 'every value of age is tried: 18-29, 30-49, 50-79' among its assumptions."""
    rng = np.random.default_rng(0)
    n = 4000
    frame = pd.DataFrame(
        {"age": rng.integers(18, 80, n), "h": rng.integers(0, 10, n), "b": rng.integers(0, 4, n)}
    )
    y = (frame.h > 5) | frame.age.between(25, 28)
    model, csv = tmp_path / "ages.skops", tmp_path / "ages.csv"
    skops.io.dump(DecisionTreeClassifier(random_state=0).fit(frame, y.astype(int)), model)
    frame.to_csv(csv, index=False)
    report = tmp_path / "r.json"
    args = ["fairness", str(model), "--data", str(csv), "--protected", "age:bins=30,50"]
    args += ["--exact", "--max-queries", "500", "--seed", "1", "--trust", str(model)]
    args += ["--store", str(tmp_path / "runs.db"), "--report", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "certified zero at each bin's number only (not within a bin)" in result.output
    (exact,) = json.loads(report.read_text())["run"]["summary"]["exact"]
    assert "18-29 as 23" in exact["certificate"] and "within a bin" in exact["certificate"]
    assert not any(a.startswith("every value of age") for a in exact["assumptions"])


def test_a_region_too_small_for_the_sample_is_named_from_the_exact_boxes(
    tmp_path: Path,
) -> None:
    """A tree favouring race C for 4 ages x 1 job x 3 hours (0.04 % of the space): main's line
    read 'share 0.04 % ... (exact); found' with no favoured value and no place."""
    from sklearn.compose import make_column_transformer
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(0)
    n = 6000
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 90, n),
            "race": rng.choice(["A", "B", "C"], n),
            "job": rng.choice(["Sales", "Tech", "Farm", "Exec"], n),
            "hours": rng.integers(0, 100, n),
        }
    )
    y = ((frame.age > 40) & (frame.hours > 30)).to_numpy().astype(int)
    corner = ((frame.job == "Farm") & frame.age.between(30, 34) & (frame.hours < 20)).to_numpy()
    y[corner] = (frame.race == "C").to_numpy()[corner]
    encode = make_column_transformer(
        (OneHotEncoder(drop="first"), ["race", "job"]), remainder="passthrough"
    )
    pipe = make_pipeline(encode, DecisionTreeClassifier(random_state=0)).fit(frame, y)
    model, csv = tmp_path / "farm.skops", tmp_path / "farm.csv"
    skops.io.dump(pipe, model)
    frame.to_csv(csv, index=False)
    args = ["fairness", str(model), "--data", str(csv), "--protected", "race", "--exact"]
    args += ["--max-queries", "2000", "--seed", "1", "--trust", str(model)]
    args += ["--store", str(tmp_path / "runs.db")]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    line = next(s for s in result.output.splitlines() if s.startswith("race:"))
    # (since lead25 who is favoured is counted over every box of the tree, not a witness each)
    assert (
        "the C variant gets '1' in 100.00 % of the discriminatory input space (exact: every box"
        " counted)" in line
    ), line
    # (since regions22 the exact rule, learned from every box, names it with exact figures)
    assert "most concentrated in: age 30-33 and job = Farm and hours <= 2 (exact: 100.00 %" in line
    assert "100.00 % of the IDIs" in line, line
