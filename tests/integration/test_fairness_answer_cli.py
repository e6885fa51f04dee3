"""``assay fairness`` answers per attribute: exact share from a skops tree, --fail-on 'share>X'
sets the exit code, the report leads with the verdict."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skops.io
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """sex=1 gets the better outcome for x in 21..30: a fifth of the space."""
    d = tmp_path_factory.mktemp("answer")
    rng = np.random.default_rng(0)
    n = 4000
    x = rng.integers(0, 50, n)
    z = rng.integers(0, 10, n)
    sex = rng.integers(0, 2, n)
    y = ((x > 30) | ((sex == 1) & (x > 20))).astype(int)
    model = DecisionTreeClassifier(random_state=0).fit(np.column_stack([x, z, sex]), y)
    path = d / "model.skops"
    skops.io.dump(model, path)
    csv = d / "people.csv"
    rows = [f"{a},{b},{c}" for a, b, c in zip(x, z, sex, strict=True)]
    csv.write_text("x,z,sex\n" + "\n".join(rows) + "\n")
    return path, csv


def _run(biased: tuple[Path, Path], tmp_path: Path, *extra: str) -> tuple[int, str, dict]:
    model, csv = biased
    report = tmp_path / "r.json"
    result = runner.invoke(
        app,
        [
            "fairness",
            str(model),
            "--data",
            str(csv),
            "--protected",
            "sex",
            "--max-queries",
            "4000",
            "--seed",
            "3",
            "--store",
            str(tmp_path / "runs.db"),
            "--report",
            str(report),
            "--html",
            str(tmp_path / "r.html"),
            *extra,
        ],
    )
    return result.exit_code, result.output, json.loads(report.read_text())


def test_exact_share_and_fail_on_expression(biased: tuple[Path, Path], tmp_path: Path) -> None:
    code, out, doc = _run(biased, tmp_path, "--fail-on", "share>0.5", "--exact")
    assert code == 0, out
    summary = doc["run"]["summary"]
    assert doc["schema_version"] == 3
    (verdict,) = summary["verdict"]
    assert verdict["basis"] == "exact" and verdict["level"] == "pass"
    assert verdict["share_uniform"] == pytest.approx(0.2)
    (exact,) = summary["exact"]
    assert exact["status"] == "exact" and exact["boxes"][0]["rule"] == "x 21-30"
    favoured = {
        d["value"]: d["favoured_in"] for d in summary["direction"] if d["distribution"] == "uniform"
    }
    assert favoured["1"] == 1.0 and favoured["0"] == 0.0
    line = next(x for x in out.splitlines() if x.startswith("sex: share"))
    assert line.startswith("sex: share 20.00 % of the input space, "), line
    assert (
        "of the data rows (exact); pass (--fail-on 'share>0.5'); the 1 variant gets '1' in "
        "100.00 % of " in line
    )
    assert (  # (a tree read exactly: who is favoured is counted over its every box, lead25)
        " of the discriminatory input space (exact: every box counted)" in line
    )
    assert "one answer" not in out
    html = (tmp_path / "r.html").read_text()
    assert html.index("Verdict per protected attribute") < html.index("Findings (evidence)")
    assert ">20.00 %<" in html  # the terminal's figure, written the same way
    code, out, doc = _run(biased, tmp_path, "--fail-on", "share>0.1")
    assert code == 1, out
    assert doc["run"]["summary"]["verdict"][0]["level"] == "fail"


def test_bad_fail_on_is_a_usage_error(biased: tuple[Path, Path], tmp_path: Path) -> None:
    model, csv = biased
    result = runner.invoke(
        app, ["fairness", str(model), "--data", str(csv), "--protected", "sex", "--fail-on", "x<1"]
    )
    assert result.exit_code == 2 and "--fail-on" in result.output


@pytest.mark.parametrize("rule", ["share>1", "share_data>100%"])
def test_a_share_rule_that_can_never_fail_is_refused(
    biased: tuple[Path, Path], tmp_path: Path, rule: str
) -> None:
    """No share is above 1: the run found IDIs in a fifth of the space and exited 0."""
    model, csv = biased
    result = runner.invoke(
        app,
        ["fairness", str(model), "--data", str(csv), "--protected", "sex", "--fail-on", rule,
         "--store", str(tmp_path / "runs.db")],
    )  # fmt: skip
    assert result.exit_code == 2 and "--fail-on" in result.output, result.output
    assert "never" in result.output
    assert not (tmp_path / "runs.db").exists() or "fairness-" not in result.output


def test_a_rule_on_the_data_share_needs_data(biased: tuple[Path, Path], tmp_path: Path) -> None:
    """With a schema and no rows there is no share over the data: 'share_data>0.01' never
    failed, and a run that found IDIs in a fifth of the space exited 0."""
    model, _ = biased
    schema = tmp_path / "space.yaml"
    schema.write_text(
        "features:\n"
        "  - {name: x, type: integer, low: 0, high: 49}\n"
        "  - {name: z, type: integer, low: 0, high: 9}\n"
        "  - {name: sex, type: categorical, categories: [0, 1]}\n"
    )
    result = runner.invoke(
        app,
        ["fairness", str(model), "--schema", str(schema), "--protected", "sex",
         "--fail-on", "share_data>0.01", "--store", str(tmp_path / "runs.db")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "--fail-on" in result.output and "--data" in result.output


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        # '--label sex --protected sex' read "protected attribute 'sex' is not a column"
        (["--label", "sex"], "is the label column"),
        (["--exact-time", "nan"], "--exact-time"),
    ],
)
def test_arguments_refused_with_what_is_wrong(
    biased: tuple[Path, Path], extra: list[str], said: str
) -> None:
    model, csv = biased
    result = runner.invoke(
        app, ["fairness", str(model), "--data", str(csv), "--protected", "sex", *extra]
    )
    assert result.exit_code == 2 and said in result.output, result.output


@pytest.mark.parametrize("budget", [["--max-queries", "3000"], ["--max-time", "3"]])
def test_a_model_with_one_answer_tested_nothing(
    biased: tuple[Path, Path], tmp_path: Path, budget: list[str]
) -> None:
    """A model that answers one class to every input cannot be found discriminatory: the run
    tested nothing (exit 2, never a pass), also when its time budget ended it (that run's
    status is 'budget_exhausted': it exited 0)."""
    _, csv = biased
    module = tmp_path / "constant.py"
    module.write_text(
        "import numpy as np\n\ndef predict(X):\n    return np.zeros(len(X), dtype=int)\n"
    )
    result = runner.invoke(
        app,
        [
            "fairness", f"{module}:predict", "--data", str(csv), "--protected", "sex",
            *budget, "--seed", "3", "--store", str(tmp_path / "runs.db"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "nothing was tested: the model gave the same answer (0)" in result.output
    # the verdict line still gives its figures: with their intervals, or (the domain small
    # enough to ask every input of it) exact, and then certified: true of this model, and
    # still no pass (exit 2)
    line = next(x for x in result.output.splitlines() if x.startswith("sex: share"))
    if "(exact)" in line:
        expected = "sex: share 0.00 % of the input space, 0.00 % of the data rows"
        assert line.startswith(expected), line
        assert "certified zero" in line, line
    else:
        assert line.startswith("sex: share 0.00 % of the input space (95 % CI 0.00 % to "), line
        assert "of the data rows (95 % CI 0.00 % to " in line, line


@pytest.mark.parametrize(
    ("fail_on", "expected"),
    [("share>0.5", 0), ("share>0.1", 1), ("0.5", 1)],
)
def test_resume_and_report_judge_as_the_run_did(
    biased: tuple[Path, Path], tmp_path: Path, fail_on: str, expected: int
) -> None:
    """A run keeps its --fail-on (an expression on the share, or a severity): resumed, it
    exits as it did (it judged every finding at severity 0: exit 1 where the run passed)."""
    from assay.core.store import RunStore

    code, out, doc = _run(biased, tmp_path, "--fail-on", fail_on)
    assert code == expected, out
    run_id = doc["run"]["id"]
    if not fail_on.startswith("share"):  # a severity is kept for resume and report
        assert doc["run"]["config"]["fail_on"] == float(fail_on)
    with RunStore(tmp_path / "runs.db") as store:
        store.checkpoint(run_id, status="running")  # as if it had been killed at the end
    result = runner.invoke(app, ["resume", run_id, "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == expected, result.output


def test_a_bounded_share_prints_the_sample_interval_beside_the_exact_bounds() -> None:
    """Exact bounds of 0-100 % (a large forest, stopped early) hid the sample's interval:
    'share 1.20 % of the input space (bounded: 0.00 % to 100.00 %)'."""
    from assay.report.verdict_text import share_text as _share_text

    v = {
        "attribute": "sex",
        "basis": "bounded",
        "share_uniform": 0.012,
        "uniform_low": 0.0063,
        "uniform_high": 0.0226,
        "uniform_sampled": 750,
        "exact_uniform_low": 0.0,
        "exact_uniform_high": 1.0,
    }
    text = _share_text(v)
    assert "95 % CI 0.63 % to 2.26 %, 750 sampled" in text, text
    # bounds that decide nothing are said as such, not as a figure
    assert "the exact analysis decided nothing in its time" in text, text
    assert "100.00 %" not in text, text
    v["exact_uniform_low"], v["exact_uniform_high"] = 0.004, 0.03
    assert "exact bounds 0.40 % to 3.00 %" in _share_text(v)
