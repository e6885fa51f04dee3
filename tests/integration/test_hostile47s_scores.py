"""Models that answer a number, not a class (hostile47s): a regressor (a credit limit in
euros), a scorecard, an application deciding P(yes) > 0.7, whole-euro limits.  Each planted
bias is found once the cutoff the application decides at is given (``--cutoff``), with the
favoured value named for a bias in each direction; each fair twin passes; what cannot be
compared is refused, never passed or flagged by rounding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()
RUN: dict[str, Any] = {"protected": "sex", "max_queries": 1500, "seed": 1}


def _people(n: int = 1200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "region": rng.choice(["N", "S", "E", "W"], n),
            "income": rng.integers(15, 120, n) * 1000,
            "debt": rng.integers(0, 50, n) * 500,
        }
    )


def _limit(x: pd.DataFrame, cut: str | None) -> np.ndarray:
    """A credit limit in euros; ``cut``: 10 % lower for that sex in region S."""
    limit = 0.25 * x["income"] - 0.3 * x["debt"] + 2000
    if cut is not None:
        limit = limit * np.where((x["sex"] == cut) & (x["region"] == "S"), 0.9, 1.0)
    return np.asarray(limit, dtype=np.float64)


def _regressor(people: pd.DataFrame, cut: str | None) -> Pipeline:
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["sex", "region"]),
            ("num", StandardScaler(), ["income", "debt"]),
        ]
    )
    model = GradientBoostingRegressor(n_estimators=120, max_depth=3, random_state=0)
    return Pipeline([("pre", pre), ("gb", model)]).fit(people, _limit(people, cut))


def _runs(store: Path) -> int:
    if not store.exists():
        return 0
    with RunStore(store) as s:
        return len(list(s.list_runs()))


def test_a_regressor_is_refused_before_any_run_naming_the_cutoff(tmp_path: Path) -> None:
    """Read as a probability at 0.5, a scikit-learn regressor failed the run once asked (exit
    3, a run left failed); with --threshold 0.05 its euros were compared as probability gaps
    and 99.9 % of inputs were 'found' (P('1') of 16036.8): now refused before any run."""
    people = _people()
    ridge = Pipeline(
        [
            (
                "pre",
                ColumnTransformer(
                    [("cat", OneHotEncoder(), ["sex", "region"])], remainder="passthrough"
                ),
            ),
            ("r", Ridge()),
        ]
    ).fit(people, _limit(people, None))
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match=r"Ridge is a regressor.*--cutoff C") as caught:
        assay.check_fairness(ridge, people, store=store, **RUN)
    assert caught.value.argument == "cutoff"  # (the API names its keyword)
    with pytest.raises(assay.UsageError, match=r"probability gap \(0 to 1\), not a gap in its"):
        assay.check_fairness(ridge, people, threshold=0.05, store=store, **RUN)
    assert _runs(store) == 0


def test_a_function_answering_a_score_is_refused_before_any_run(tmp_path: Path) -> None:
    """A scorecard function (300-850 points) was read as a probability: a run was made, then
    failed at its first answer (exit 3); now refused at loading, naming --cutoff, no run."""

    def card(x: pd.DataFrame) -> np.ndarray:
        return np.clip(300 + np.asarray(x["income"], dtype=float) / 200, 300, 850)

    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match=r"answered \d+ to loading's first inputs.*--cutoff"):
        assay.check_fairness(card, _people(), store=store, **RUN)
    assert _runs(store) == 0
    found = assay.check_fairness(card, _people(), cutoff=600, store=store, **RUN)
    assert found.n_findings == 0 and _runs(store) == 1  # (it never reads sex)


@pytest.mark.parametrize("cut, favoured", [("F", "M"), ("M", "F"), (None, None)])
def test_a_regressor_decided_at_its_cutoff_finds_the_planted_cut(
    tmp_path: Path, cut: str | None, favoured: str | None
) -> None:
    people = _people()
    model = _regressor(people, cut)
    result = assay.check_fairness(model, people, cutoff=20_000, store=tmp_path / "s.db", **RUN)
    verdict = result.verdict.iloc[0]
    if favoured is None:  # the fair twin: its limits never cross 20,000 with sex
        assert result.n_findings == 0 and verdict["level"] == "none found"
        return
    assert result.n_findings > 0 and verdict["level"] == "found"
    assert result.class_names == ("<=20000", ">20000")
    top = result.direction.sort_values("favoured_in").iloc[-1]
    assert top["value"] == favoured and top["favoured_in"] > 0.9


def _decides_at_07(cut: bool) -> Any:
    """An application approving when P(yes) > 0.7; ``cut``: F in region S lose 0.1 of P(yes)
    where it was in (0.7, 0.8), so the cut never crosses 0.5."""

    def model(x: pd.DataFrame) -> np.ndarray:
        p = 1 / (1 + np.exp(-(x["income"] / 40_000 - x["debt"] / 10_000 - 1.0)))
        p = np.asarray(p, dtype=np.float64)
        if cut:
            hit = np.asarray((x["sex"] == "F") & (x["region"] == "S")) & (p > 0.7) & (p < 0.8)
            p = np.where(hit, p - 0.1, p)
        return np.column_stack([1 - p, p])

    return model


def test_a_decision_threshold_of_0_7_is_tested_where_the_application_decides(
    tmp_path: Path,
) -> None:
    people = _people()
    blind = assay.check_fairness(_decides_at_07(True), people, store=tmp_path / "a.db", **RUN)
    assert blind.n_findings == 0  # (decided at 0.5: the cut is never seen, as documented)
    found = assay.check_fairness(
        _decides_at_07(True), people, cutoff=0.7, store=tmp_path / "b.db", **RUN
    )
    assert found.n_findings > 0
    top = found.direction.sort_values("favoured_in").iloc[-1]
    assert top["value"] == "M"
    fair = assay.check_fairness(
        _decides_at_07(False), people, cutoff=0.7, store=tmp_path / "c.db", **RUN
    )
    assert fair.n_findings == 0 and fair.verdict.iloc[0]["level"] == "none found"


def _whole_euros(tmp_path: Path, body: str) -> str:
    path = tmp_path / "limits.py"
    path.write_text(
        "import numpy as np, pandas as pd\n\n\n"
        "def limit(x):\n"
        "    x = pd.DataFrame(x)\n"
        "    base = 0.25 * x['income'] - 0.3 * x['debt'] + 2000\n"
        f"    return pd.Series({body}).round().astype(int)\n"
    )
    return f"{path}:limit"


def test_whole_euros_are_amounts_not_labels(tmp_path: Path) -> None:
    """A limit rounded to the euro was read as labels: a fair model whose sex term is 0.6 of
    a euro (rounding noise) was discriminatory on 100 % of the data rows, exit 1."""
    people = _people()
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    fair = _whole_euros(tmp_path, "base + 0.6 * (x['sex'] == 'F')")
    args = ["fairness", fair, "--data", str(data), "--protected", "sex", "--seed", "1"]
    args += ["--max-queries", "1500", "--store", str(tmp_path / "s.db")]
    refused = runner.invoke(app, args)
    # (refused at loading, before any run: hostile47s2; was exit 3 once a run was made)
    assert refused.exit_code == 2, refused.output
    assert "more than 32 distinct whole numbers" in refused.output
    assert "--cutoff C" in refused.output
    assert _runs(tmp_path / "s.db") == 0
    decided = runner.invoke(app, [*args, "--cutoff", "20000", "--report", str(tmp_path / "r.json")])
    assert decided.exit_code in (0, 1), decided.output  # tested: a decision, not a euro
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["run"]["summary"]["verdict"][0]["share_uniform"] < 0.02


def test_a_classifier_of_few_whole_labels_is_still_read_as_labels(tmp_path: Path) -> None:
    """The guard: undeclared labels 0, 1, 2 (a grade) are labels, and a planted flip found."""

    def grade(x: pd.DataFrame) -> np.ndarray:
        g = np.digitize(np.asarray(x["income"], dtype=float), [50_000, 90_000])
        return np.where(np.asarray(x["sex"]) == "F", np.maximum(g - 1, 0), g)

    result = assay.check_fairness(grade, _people(), store=tmp_path / "s.db", **RUN)
    assert result.n_findings > 0


def test_a_cutoff_refuses_what_it_cannot_decide(tmp_path: Path) -> None:
    people = _people()

    def two_limits(x: pd.DataFrame) -> np.ndarray:  # a card limit and an overdraft, in euros
        return np.column_stack([_limit(x, "F"), 0.1 * _limit(x, None)])

    with pytest.raises(assay.ModelError, match="multi-output regressor"):
        assay.check_fairness(two_limits, people, cutoff=5, store=tmp_path / "a.db", **RUN)

    def approve(x: pd.DataFrame) -> np.ndarray:
        return np.where(np.asarray(x["income"]) > 50_000, "yes", "no")

    approve.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    with pytest.raises(assay.UsageError, match="answers class labels"):
        assay.check_fairness(approve, people, cutoff=0.5, store=tmp_path / "b.db", **RUN)
    for bad in ("0.7", True):
        with pytest.raises(assay.UsageError, match="must be a number"):
            assay.check_fairness(
                _decides_at_07(True), people, cutoff=bad, store=tmp_path / "e.db", **RUN
            )
    with pytest.raises(assay.UsageError, match="retrain measures each refit by its own"):
        assay.check_fairness(
            dataset="german", protected="sex", cutoff=0.7, retrain=True, store=tmp_path / "d.db"
        )
    assert _runs(tmp_path / "d.db") == 0
    with pytest.raises(assay.UsageError, match="give one"):
        assay.check_fairness(
            _decides_at_07(True), people, cutoff=0.7, threshold=0.1, store=tmp_path / "c.db", **RUN
        )
