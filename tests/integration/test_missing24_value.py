"""missing24: ``--missing value`` tests the data's empty cells as one more value of their
columns.  A model planted to discriminate only where a value is missing is found (and the
findings show the empty cell), where ``--missing drop`` cannot find it; a clean model stays
quiet; the model gets NaN as pandas reads an empty cell, never a code; reports say
"(missing)", never "nan"; a killed run resumes to the same findings."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from ci22_in_process import assay_here
from test_mutation23_interrupt_resume import _assay  # (assay in a process of its own)

import assay
from assay.core.store import RunStore
from assay.errors import UsageError

_NAN = re.compile(r"\bnan\b", re.IGNORECASE)


def _people(n: int = 300, seed: int = 0, empty: float = 0.25) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.integers(10, 100, n).astype(float)
    income[rng.random(n) < empty] = np.nan
    return pd.DataFrame(
        {"age": rng.integers(20, 60, n), "income": income, "sex": rng.choice(["F", "M"], n)}
    )


def _labels(frame: pd.DataFrame) -> np.ndarray:
    """Income above 50 where it is known; where it is missing, the sex decides."""
    known = (frame["income"] > 50).astype(int).to_numpy()
    return np.where(frame["income"].isna(), (frame["sex"] == "M").astype(int), known)


class _Recorder:
    """A model over the three columns that records every income and sex it was given."""

    def __init__(self, planted: bool) -> None:
        self.planted = planted
        self.incomes: list[Any] = []
        self.sexes: list[Any] = []

    def __call__(self, rows: Any) -> np.ndarray:
        frame = pd.DataFrame(np.asarray(rows, dtype=object), columns=["age", "income", "sex"])
        self.incomes.extend(frame["income"].tolist())
        self.sexes.extend(frame["sex"].tolist())
        income = pd.to_numeric(frame["income"])
        if self.planted:
            return _labels(frame.assign(income=income))
        return np.where(income.isna(), 1, (income > 50).astype(int))


def _check(model: Any, data: pd.DataFrame, tmp_path: Path, **options: Any) -> Any:
    return assay.check_fairness(
        model,
        data=data,
        protected="sex",
        max_queries=2500,
        seed=4,
        store=tmp_path / "runs.db",
        **options,
    )


def test_a_pipeline_planted_on_a_missing_income_is_found_only_when_it_is_tested(
    tmp_path: Path,
) -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    data = _people()
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(), ["sex"]),
            (SimpleImputer(add_indicator=True), ["income"]),
            remainder="passthrough",
        ),
        DecisionTreeClassifier(random_state=0),
    ).fit(data, _labels(data))
    found = _check(model, data, tmp_path, missing="value")
    assert found.n_findings > 0, found.headline
    idis = found.findings(limit=None)
    assert idis["income"].isna().all(), idis  # each witness is an applicant with no income
    assert set(idis["sex"]) == {"F", "M"}
    assert any("Tested empty values" in w for w in found.notes), found.notes
    verdict = found.verdict.iloc[0]
    assert verdict["may_be_missing"] == ["income"]
    lines = found.export(tmp_path / "idis.jsonl").read_text().splitlines()
    assert all(json.loads(line)["income"] is None for line in lines) and lines
    aside = _check(model, data, tmp_path, missing="drop")
    assert aside.n_findings == 0, aside.headline  # no applicant without income was tested


def test_retraining_refits_on_the_missing_values_and_lowers_the_share(tmp_path: Path) -> None:
    """``--retrain``: the refit gets the training rows and the IDIs with their empty cells
    (NaN, which the pipeline's imputer reads), and the share found on them falls."""
    from sklearn.compose import make_column_transformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    data = _people()
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(), ["sex"]),
            (SimpleImputer(add_indicator=True), ["income"]),
            remainder="passthrough",
        ),
        DecisionTreeClassifier(random_state=0),
    ).fit(data, _labels(data))
    result = _check(
        model,
        data.assign(y=_labels(data)),
        tmp_path,
        label="y",
        missing="value",
        retrain=True,
        retrain_dir=tmp_path / "models",
    )
    mitigation = result.summary["mitigation"]
    before = mitigation["before"]["estimate"]
    rounds = [r["estimate"]["share"] for r in mitigation["rounds"]]
    assert min(rounds) < before["share"] / 2, (before["share"], rounds)
    assert {e["input"]["income"] for e in before["examples"]} == {"(missing)"}


def test_the_model_gets_nan_in_a_float_column_never_a_code(tmp_path: Path) -> None:
    data = _people()
    clean = _Recorder(planted=False)
    result = _check(clean, data, tmp_path, missing="value")
    assert result.n_findings == 0, result.headline  # a clean model stays quiet
    incomes = np.asarray([float(v) for v in clean.incomes])
    empty = np.isnan(incomes)
    assert empty.any() and not empty.all()
    assert incomes[~empty].min() >= 10 and incomes[~empty].max() <= 99  # no sentinel
    planted = _Recorder(planted=True)
    assert _check(planted, data, tmp_path, missing="value").n_findings > 0


def test_text_categories_with_empty_cells_keep_their_form(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    n = 300
    job = rng.choice(["clerk", "nurse", "baker"], n).astype(object)
    job[rng.random(n) < 0.2] = None
    data = pd.DataFrame(
        {"age": rng.integers(20, 60, n), "job": job, "sex": rng.choice(["F", "M"], n)}
    )
    seen: list[Any] = []

    def model(rows: Any) -> np.ndarray:
        frame = pd.DataFrame(np.asarray(rows, dtype=object), columns=["age", "job", "sex"])
        seen.extend(frame["job"].tolist())
        return (frame["job"].isna() & (frame["sex"] == "M")).astype(int).to_numpy()

    result = _check(model, data, tmp_path, missing="value")
    assert result.n_findings > 0, result.headline
    kinds = {type(v).__name__ for v in seen}
    assert kinds <= {"str", "float"}, kinds  # the text as given, or NaN as pandas reads it
    assert {v for v in seen if isinstance(v, str)} == {"clerk", "nurse", "baker"}
    assert all(np.isnan(v) for v in seen if isinstance(v, float))
    assert result.findings(limit=None)["job"].isna().all()
    # a user's categorical column keeps its dtype, the empty cell NaN
    typed = data.assign(job=data["job"].astype("category"))
    again = _check(model, typed, tmp_path, missing="value").findings(limit=None)
    assert isinstance(again["job"].dtype, pd.CategoricalDtype) and again["job"].isna().all()


def test_an_empty_protected_value_is_one_more_protected_value(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = 200
    sex = np.array(["F"] * n, dtype=object)
    sex[rng.random(n) < 0.3] = None  # "F" or empty: two values once empty is one
    data = pd.DataFrame({"age": rng.integers(20, 60, n), "sex": sex, "y": rng.integers(0, 2, n)})

    def model(rows: Any) -> np.ndarray:
        frame = pd.DataFrame(np.asarray(rows, dtype=object), columns=["age", "sex"])
        return frame["sex"].isna().astype(int).to_numpy()  # no sex given: rejected

    result = _check(model, data, tmp_path, missing="value", label="y")
    assert result.n_findings > 0, result.headline
    idis = result.findings(limit=None)
    assert set(idis["sex"].fillna("(empty)")) == {"F", "(empty)"}
    assert set(result.group_metrics().by_group.index) == {"F", "(missing)"}
    assert set(result.direction["value"]) == {"F", "(missing)"}
    assert any("one more protected value" in w for w in result.notes), result.notes
    with pytest.raises(UsageError, match="single value"):  # dropped, one value is left
        _check(model, data, tmp_path, missing="drop", label="y")


def test_a_tree_whose_missing_branch_discriminates_gets_no_exact_certificate(
    tmp_path: Path,
) -> None:
    """scikit-learn trees send a missing value down their own branch; the exact analysis
    follows it (missing24b): an exact share above zero, no certificate, the rule says
    "income is missing"."""
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(3)
    n = 400
    income = rng.uniform(10, 100, n).round(2)  # fractional: too many inputs to ask each
    income[rng.random(n) < 0.25] = np.nan
    data = pd.DataFrame({"income": income, "sex": rng.integers(0, 2, n)})
    labels = np.where(np.isnan(income), data["sex"], (income > 50).astype(int))
    tree = DecisionTreeClassifier(random_state=0).fit(data, labels)
    result = _check(tree, data, tmp_path, missing="value", exact=True)
    assert result.n_findings > 0, result.headline
    exact = result.exact.iloc[0]
    said = " ".join(str(v) for v in exact.to_dict().values())
    assert exact["status"] == "exact", said
    assert exact["share_uniform_low"] > 0 and not exact.get("certificate"), said
    assert exact["share_uniform_low"] == pytest.approx(0.1)  # income's missing tenth
    rules = " ".join(str(r) for r in result.regions["rule"])
    assert "income is missing" in rules, rules


def test_the_command_line_reports_a_missing_value_never_nan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    data = _people(400)
    data.assign(y=_labels(data)).to_csv(tmp_path / "people.csv", index=False)
    assert ",," in (tmp_path / "people.csv").read_text()  # empty cells in the file
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["sex"]), remainder="passthrough"),
        HistGradientBoostingClassifier(max_iter=30, random_state=0),
    ).fit(data, _labels(data))
    import joblib

    joblib.dump(model, tmp_path / "m.joblib")
    out = {k: tmp_path / f"r.{k}" for k in ("json", "html", "xml", "csv")}
    store = ["--store", str(tmp_path / "runs.db")]
    done = assay_here(
        capsys,
        *("fairness", str(tmp_path / "m.joblib"), "--allow-pickle"),
        *("--data", str(tmp_path / "people.csv"), "--label", "y", "--protected", "sex"),
        *("--missing", "value", "--max-queries", "2500", "--seed", "5", *store),
        *("--report", str(out["json"]), "--html", str(out["html"]), "--junit", str(out["xml"])),
        *("--export", str(out["csv"])),
    )
    assert done.returncode == 1, done  # found
    assert "with income missing as one more value" in done.stdout + done.stderr, done
    for path in out.values():
        if path.exists():
            assert not _NAN.search(path.read_text()), path
    assert "(missing)" in out["html"].read_text()
    exported = pd.read_csv(out["csv"])
    assert exported["income"].isna().all() and len(exported)
    run = RunStore(tmp_path / "runs.db").list_runs()[0].id
    shown = assay_here(capsys, "show", run, *store)
    assert not _NAN.search(shown.stdout) and "missing" in shown.stdout, shown
    checked = assay_here(capsys, "verify", run, "--allow-pickle", *store)
    assert "no longer do" in checked.stdout + checked.stderr, checked
    assert re.search(r"(\d+) of \1 stored findings still fail", checked.stdout + checked.stderr)


_KILLING = """
import os
from pathlib import Path
import numpy as np
import pandas as pd

CALLS = [0]


def predict(rows):
    CALLS[0] += 1
    mark = Path(__file__).with_name("killed")
    if CALLS[0] == 5 and not mark.exists():
        mark.write_text("x")
        os.kill(os.getpid(), 9)
    frame = pd.DataFrame(np.asarray(rows, dtype=object), columns=["age", "income", "sex"])
    income = pd.to_numeric(frame["income"])
    known = (income > 50).astype(int).to_numpy()
    return np.where(income.isna(), (frame["sex"] == "M").astype(int), known)
"""


def _stored(store: Path, run: str) -> list[Any]:
    from assay.core.findings import FindingBatch

    batches: list[FindingBatch] = list(RunStore(store).iter_batches(run))
    return sorted(np.asarray(b.inputs).tolist() for b in batches if len(b))


def test_a_killed_run_resumes_to_the_same_findings(tmp_path: Path) -> None:
    (tmp_path / "planted.py").write_text(_KILLING)
    _people(300).to_csv(tmp_path / "people.csv", index=False)
    args = [
        *("fairness", "planted.py:predict", "--data", "people.csv", "--protected", "sex"),
        *("--missing", "value", "--max-queries", "8000", "--seed", "6", "--optimize", "time"),
        "--quiet",
    ]
    killed = _assay([*args, "--store", "k.db"], tmp_path)
    assert killed.returncode == -9, killed.stderr
    run = RunStore(tmp_path / "k.db").list_runs()[0].id
    assert RunStore(tmp_path / "k.db").get_run(run).status != "completed"
    resumed = _assay(["resume", run, "--store", "k.db"], tmp_path)
    assert resumed.returncode == 1, resumed.stderr
    clean = _assay([*args, "--store", "c.db"], tmp_path)
    assert clean.returncode == 1, clean.stderr
    clean_run = RunStore(tmp_path / "c.db").list_runs()[0].id
    got, want = _stored(tmp_path / "k.db", run), _stored(tmp_path / "c.db", clean_run)
    assert got and got == want
