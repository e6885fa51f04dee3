"""Real scikit-learn pipelines: every phase gives the model the form it was fitted on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sklearn")

from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.store import RunStore

COLUMNS = ["age", "workclass", "sex", "race", "hours"]
SEEN: list[str] = []


def people(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "workclass": rng.choice(["Private", "State-gov", "Self-emp"], n),
            "sex": rng.choice(["Female", "Male"], n),
            "race": rng.choice(["White", "Black", "Other"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    rich = (frame["hours"] > 40) & ((frame["sex"] == "Male") | (frame["age"] > 50))
    frame["income"] = np.where(rich, ">50K", "<=50K")
    return frame


def _check(X: Any, where: str) -> None:
    """The form the pipeline was fitted on: a DataFrame with the user's columns and dtypes."""
    ok = (
        isinstance(X, pd.DataFrame)
        and list(X.columns) == COLUMNS
        and X["age"].dtype.kind == "i"
        and X["hours"].dtype.kind == "i"
        and all(isinstance(v, str) for v in X["sex"].head(3))
    )
    if not ok:
        SEEN.append(f"{where}: {type(X).__name__} {getattr(X, 'dtypes', None)}")


class CheckingPipeline(Pipeline):
    """A Pipeline that notes every call made with another form than it was fitted on."""

    def fit(self, X: Any, y: Any = None, **params: Any) -> CheckingPipeline:
        _check(X, "fit")
        if not all(isinstance(v, str) for v in np.asarray(y)[:5]):
            SEEN.append(f"fit: labels {np.asarray(y)[:5]!r}")
        super().fit(X, y, **params)
        return self

    def predict(self, X: Any, **params: Any) -> Any:
        _check(X, "predict")
        return super().predict(X, **params)

    def predict_proba(self, X: Any, **params: Any) -> Any:
        _check(X, "predict_proba")
        return super().predict_proba(X, **params)


def pipeline() -> CheckingPipeline:
    encode = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["workclass", "sex", "race"]),
            ("num", "passthrough", ["age", "hours"]),
        ]
    )
    return CheckingPipeline(
        [("encode", encode), ("tree", DecisionTreeClassifier(max_depth=5, random_state=0))]
    )


def test_every_phase_calls_a_column_transformer_pipeline_as_it_was_fitted(tmp_path: Path) -> None:
    frame = people()
    pipe = pipeline().fit(frame[COLUMNS], frame["income"])
    SEEN.clear()
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected="sex,race",
        label="income",
        estimate=True,
        max_queries=8_000,
        seed=3,
        store=tmp_path / "runs.db",
        retrain=True,
        retrain_dir=tmp_path / "models",
        # its labels follow sex: a fair round costs ~8 points of accuracy; kept, to be loaded
        max_accuracy_loss=100,
    )
    assert SEEN == []
    assert result.status in ("completed", "budget_exhausted")
    assert result.n_findings > 0
    assert result.mitigation is not None
    why = result.mitigation["before_versus_headline"]
    # (a 'before' share over every data row is a count, no "fresh random sample": report47)
    counted = "count every data row" in why
    assert counted or "fresh random sample" in why, why
    (run_est,) = [e for e in result.summary["estimates"] if e["distribution"] == "data"]
    if run_est["share"] != result.mitigation["before"]["estimate"]["share"]:
        assert ("the run's estimate" if counted else "differs from the run's estimate") in why
    import skops.io

    saved = Path(result.mitigation["saved"][0])
    model = skops.io.load(saved, trusted=skops.io.get_untrusted_types(file=saved))
    assert set(model.predict(frame[COLUMNS].head(50))) <= {"<=50K", ">50K"}
    # verify replays the stored findings through the same path, also in the fitted form
    from assay.api import setup_fairness
    from assay.fairness.replay import replay

    SEEN.clear()
    setup = setup_fairness(pipe, data=frame, protected="sex,race", label="income")
    replayed = replay(
        RunStore(tmp_path / "runs.db").iter_batches(result.run_id), setup.test.schema, setup.model
    )
    assert SEEN == []
    assert replayed.total == result.n_findings
    assert replayed.still_failing == replayed.total  # a deterministic model: all reproduce


def test_an_internal_failure_during_retraining_is_kept_with_the_run_left_to_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the retraining, after the search ended: the error is kept, the run is never
    a pass, and it stays to be finished (its findings and search kept: resume30b), which
    `assay runs` says beside the error."""
    frame = people()
    pipe = pipeline().fit(frame[COLUMNS], frame["income"])
    import assay.fairness.retrain as retrain

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("planted internal bug")

    monkeypatch.setattr(retrain, "mitigate", broken)
    with pytest.raises(RuntimeError):
        assay.check_fairness(
            pipe,
            data=frame,
            protected="sex",
            label="income",
            max_queries=5_000,
            seed=1,
            store=tmp_path / "runs.db",
            retrain=True,
        )
    (record,) = RunStore(tmp_path / "runs.db").list_runs()
    assert "planted internal bug" in (record.error or "")
    from typer.testing import CliRunner

    from assay.cli.app import app, register
    from assay.core.finishing import finishable
    from assay.core.outcome import not_a_pass

    assert finishable(record) and not_a_pass(record.summary)
    register()
    listed = CliRunner().invoke(app, ["runs", "--store", str(tmp_path / "runs.db")]).output
    assert "NOT EVERYTHING WAS TESTED" in listed
    assert "it failed after its search: internal error (RuntimeError): planted internal bug" in (
        listed
    )


def test_notebook_result_findings_are_a_frame_in_the_users_values(tmp_path: Path) -> None:
    frame = people()
    pipe = pipeline().fit(frame[COLUMNS], frame["income"])
    result = assay.check_fairness(
        pipe,
        data=frame,
        protected="sex,race",
        label="income",
        estimate=True,
        max_queries=6_000,
        seed=3,
        store=tmp_path / "runs.db",
    )
    assert result.n_findings > 0
    text = repr(result)
    assert result.run_id in text and len(text) < 300 and "IDIs" in text
    html = result._repr_html_()
    assert "Estimated share" in html and "<table>" in html
    # the notebook shows the report's readable examples: the user's category names, the
    # variant that changes the answer in bold, never the raw example tables' codes
    assert "<th>sex</th>" in html and "<th>model says</th>" in html
    assert "<td><b>Female</b></td>" in html or "<td><b>Male</b></td>" in html
    est = result.tables()["estimates"]
    assert est["share"].dtype.kind == "f" and set(est["distribution"]) == {"uniform", "data"}
    found = result.findings(limit=20)
    assert isinstance(found, pd.DataFrame)
    assert list(found.columns[:3]) == ["idi", "variant", "generated"]
    assert set(COLUMNS) <= set(found.columns)
    # the default search queries each input with its own (sex, race) and the one of the
    # other 5 combinations most likely to flip it: 2 rows per IDI
    assert len(found) == 20 * 2
    assert set(found["sex"]) <= {"Female", "Male"}
    assert set(found["race"]) <= {"White", "Black", "Other"}
    assert found["age"].dtype.kind == "i"
    assert set(found["prediction"]) <= {"<=50K", ">50K"}
    assert {"p(<=50K)", "p(>50K)"} <= set(found.columns)
    for _, idi in found.groupby("idi"):
        assert int(idi["generated"].sum()) == 1
        assert idi[["age", "workclass", "hours"]].nunique().max() == 1  # only protected vary
        assert idi["prediction"].nunique() > 1  # the outcome changes


def test_the_json_report_shows_findings_in_the_users_values(tmp_path: Path) -> None:
    from assay.report import build_document

    frame = people()
    pipe = pipeline().fit(frame[COLUMNS], frame["income"])
    result = assay.check_fairness(
        pipe,
        data=frame[COLUMNS],
        protected="sex,race",
        max_queries=5_000,
        seed=2,
        store=tmp_path / "r.db",
    )
    doc = build_document(RunStore(tmp_path / "r.db"), result.run_id)
    examples = doc["run"]["summary"]["examples"]
    assert examples
    ids = [e["idi"] for e in examples]
    assert len(ids) == len(set(ids))  # no example twice
    for e in examples:
        assert e["input"]["sex"] in ("Female", "Male")
        assert e["input"]["workclass"] in ("Private", "State-gov", "Self-emp")
        assert {v["prediction"] for v in e["variants"]} == {"<=50K", ">50K"}
        assert all(v["protected"]["race"] in ("White", "Black", "Other") for v in e["variants"])
