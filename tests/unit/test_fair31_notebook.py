"""The fairness API as a data scientist meets it in a notebook (fair31's hostile review):
the data given by position, a result's repr and Jupyter view leading with the answer,
``findings(limit=...)`` and a clean run's findings frame, ``group_metrics()`` bounded as the
run's group metrics are, and ``export``'s errors in the caller's terms (a model file whose
import a load given up at ``max_time`` left running: test_fair31_given_up_load, timed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.errors import UsageError
from assay.fairness import group


def _people(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "hours": rng.integers(10, 60, n),
            "job": rng.choice(["clerk", "nurse", "dev"], n),
        },
        index=pd.RangeIndex(1000, 1000 + n),  # (a slice of a larger frame)
    )
    y = np.where(df["hours"] + (df["sex"] == "Male") * 15 > 45, "approved", "denied")
    return df, y


def _pipe(df: pd.DataFrame, y: Any) -> Pipeline:
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["sex", "job"]), remainder="passthrough"
    )
    return make_pipeline(encode, LogisticRegression(max_iter=2000)).fit(df, y)


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, pd.DataFrame, Path]:
    df, y = _people()
    return _pipe(df, y), df.assign(outcome=y), tmp_path_factory.mktemp("fair31") / "runs.db"


def test_data_given_by_position_is_taken_as_data(biased: Any) -> None:
    model, df, store = biased
    result = assay.check_fairness(
        model, df, protected="sex", label="outcome", max_queries=1500, store=store, seed=1
    )
    assert result.status == "completed" and result.n_findings > 0
    assert "data=<DataFrame" in result.command  # the rerun names it as the keyword it is


def test_a_third_argument_by_position_names_what_to_give_by_name(biased: Any) -> None:
    model, df, store = biased
    with pytest.raises(TypeError, match=r"takes model and data by position.*give the others"):
        assay.check_fairness(model, df, "sex", max_queries=1500, store=store)


def test_repr_and_jupyter_view_lead_with_the_answer(biased: Any) -> None:
    model, df, store = biased
    result = assay.check_fairness(
        model, data=df, protected="sex", label="outcome", max_queries=1500, store=store, seed=1
    )
    row = result.summary["verdict"][0]
    assert row["share_uniform"] > 0.05  # (the planted bias: the answer found it)
    inputs, rows = (f"{100 * row[k]:.2f} %" for k in ("share_uniform", "share_data"))
    assert f"answer: sex {inputs} of inputs, {rows} of rows (found)" in repr(result)
    assert len(repr(result)) < 200
    shown = f"{inputs} of the input space"
    html = result._repr_html_()
    assert "The answer per protected attribute" in html and shown in html
    # the tables a notebook turns to hold it too (their estimates are estimate=True's alone)
    assert result.tables()["verdict"]["share_uniform"].tolist() == [row["share_uniform"]]


def test_findings_limit_zero_and_bad_limits(biased: Any) -> None:
    model, df, store = biased
    result = assay.check_fairness(model, data=df, protected="sex", max_queries=1500, store=store)
    some = result.findings(limit=3)
    none = result.findings(limit=0)
    assert len(none) == 0 and list(none.columns) == list(some.columns)
    with pytest.raises(UsageError, match="argument limit"):
        result.findings(limit=-1)
    with pytest.raises(UsageError, match="argument limit"):
        result.findings(limit="10")


def test_a_clean_runs_findings_have_the_probability_columns(tmp_path: Path) -> None:
    df, y = _people()
    blind = make_pipeline(
        make_column_transformer(("drop", ["sex", "job"]), remainder="passthrough"),
        LogisticRegression(max_iter=2000),
    ).fit(df, y)  # (never reads sex: nothing to find)
    result = assay.check_fairness(
        blind, data=df, protected="sex", max_queries=600, store=tmp_path / "r.db", seed=1
    )
    assert result.n_findings == 0
    frame = result.findings()
    assert len(frame) == 0
    assert {"p(approved)", "p(denied)"} <= set(frame.columns)


def test_group_metrics_are_bounded_as_the_runs_are(
    biased: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, df, store = biased
    result = assay.check_fairness(
        model, data=df, protected="job", label="outcome", max_queries=1500, store=store
    )
    assert result.group_metrics().by_group.shape[0] == 3
    with pytest.raises(UsageError, match=r"argument max_groups: 3 groups of job.* at most 2"):
        result.group_metrics(max_groups=2)
    monkeypatch.setattr(group, "MOST_GROUPS", 2)  # the default bound is the run's own
    with pytest.raises(UsageError, match="3 groups of job"):
        result.group_metrics()
    assert result.group_metrics(max_groups=3).by_group.shape[0] == 3
    with pytest.raises(UsageError, match="argument max_groups"):
        result.group_metrics(max_groups=0)


def test_export_errors_name_the_argument_as_the_caller_wrote_it(
    biased: Any, tmp_path: Path
) -> None:
    model, df, store = biased
    result = assay.check_fairness(model, data=df, protected="sex", max_queries=600, store=store)
    with pytest.raises(UsageError, match="argument path;") as caught:
        result.export(tmp_path / "idis.xlsx")
    assert "--export" not in str(caught.value)


@pytest.mark.parametrize("given", ["array", "series", "list"])
def test_the_labels_themselves_as_label_are_refused_with_the_fix(biased: Any, given: str) -> None:
    model, df, _store = biased
    y = df["outcome"].to_numpy()
    label = {"array": y, "series": pd.Series(y), "list": list(y)}[given]
    with pytest.raises(UsageError, match=r"argument label: .* of 300 values.*df\.assign") as caught:
        assay.check_fairness(model, df.drop(columns="outcome"), protected="sex", label=label)
    assert "approved" not in str(caught.value)  # (not the labels' repr as a column's name)


def test_a_protected_name_off_by_case_is_answered_with_the_column_meant(biased: Any) -> None:
    model, df, _store = biased
    with pytest.raises(UsageError, match=r"did you mean 'sex'\?") as caught:
        assay.check_fairness(model, data=df, protected=["sex", "Sex"], max_queries=300)
    assert "rename" not in str(caught.value)  # (the frame's column is right; the name is not)
    spaced = df.rename(columns={"sex": "sex "})  # (a header written 'age , sex , hours')
    with pytest.raises(UsageError, match=r"only in spaces or case: rename"):
        assay.check_fairness(model, data=spaced, protected="sex", max_queries=300)


def test_a_store_under_a_file_says_which_file_is_in_the_way(biased: Any, tmp_path: Path) -> None:
    model, df, _store = biased
    (tmp_path / "people.csv").write_text("a,b\n")
    with pytest.raises(assay.StoreError) as caught:
        assay.check_fairness(
            model, data=df, protected="sex", max_queries=300, store=tmp_path / "people.csv/r.db"
        )
    said = str(caught.value)
    assert f"{tmp_path / 'people.csv'} is a file, not a folder: give store= another path" in said


def test_a_stores_advice_to_a_python_caller_names_store_whole() -> None:
    from assay.core.keywords import _store_in_keywords

    said = _store_in_keywords(
        "r.db: cannot open (the file cannot be written: pass --store elsewhere)"
    )
    assert said.endswith("(the file cannot be written: give store= another path)")


def test_the_group_metrics_queries_are_not_said_to_be_the_estimates(biased: Any) -> None:
    # a run with --label and no --estimate said "590 by the estimate" (its group metrics'
    # one query a labelled row, counted as the engine's queries beyond the search's)
    model, df, store = biased
    result = assay.check_fairness(
        model, data=df, protected="sex", label="outcome", max_queries=1500, store=store
    )
    asked = result.summary["model_queries"]
    assert asked["estimate"] == 0 and "by the estimate" not in result.headline
    assert 0 < asked["group"] <= len(df)  # (rows asked before are answered from the cache)
    assert f"{asked['group']:,} by the group metrics" in result.headline
    assert asked["search"] + asked["group"] <= 1500  # (within --max-queries)
    assert asked["total"] == sum(v for k, v in asked.items() if k != "total")


class _ProbaOnly:
    """A wrapper with predict_proba alone (an MLflow-style model): no classes_, no names."""

    def __init__(self, inner: Any, names: Any = None) -> None:
        self.inner = inner
        if names is not None:
            self.feature_names_in_ = names

    def predict_proba(self, rows: Any) -> Any:
        return self.inner.predict_proba(rows)


def test_a_predict_proba_wrapper_that_fails_its_probe_is_a_model_error(biased: Any) -> None:
    model, df, store = biased
    df = df.drop(columns="outcome")  # (a model naming no column keeps every column)
    with pytest.raises(assay.ModelError, match=r"predict_proba raised ValueError.*feature_names"):
        assay.check_fairness(_ProbaOnly(model), data=df, protected="sex", store=store)
    named = _ProbaOnly(model, model.feature_names_in_)  # (the fix the error gives)
    result = assay.check_fairness(named, data=df, protected="sex", max_queries=600, store=store)
    assert result.n_findings > 0


class _Labels:
    """A wrapper with predict and classes_ (answers by name) that names no column."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.classes_ = inner.classes_

    def predict(self, rows: Any) -> Any:
        return self.inner.predict(rows)


def test_a_wrapper_given_an_array_it_cannot_read_is_told_how_to_ask_for_a_frame(
    biased: Any,
) -> None:
    model, df, store = biased
    df = df.drop(columns="outcome")
    with pytest.raises(assay.ModelError, match=r"2-D numpy array.*by its feature_names_in_"):
        assay.check_fairness(_Labels(model), data=df, protected="sex", store=store)


@pytest.mark.parametrize("declared", ["classes_", "classes="])
def test_a_function_declaring_its_classes_is_given_a_frame_when_it_needs_one(
    biased: Any, declared: str
) -> None:
    # `assay fairness model.py:predict --classes approved,denied` on a function calling a
    # ColumnTransformer pipeline failed on its array, where the same function without
    # --classes was given a DataFrame
    model, df, store = biased
    df = df.drop(columns="outcome")

    def predict(rows: Any) -> Any:
        return model.predict(rows)  # (needs the columns by name)

    given: dict[str, Any] = {}
    if declared == "classes_":
        predict.classes_ = list(model.classes_)  # type: ignore[attr-defined]
    else:
        given["classes"] = list(model.classes_)
    result = assay.check_fairness(
        predict, data=df, protected="sex", max_queries=600, store=store, **given
    )
    assert result.n_findings > 0
    assert set(result.findings()["prediction"]) == {"approved", "denied"}


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("assay.check_fairness(<Pipeline>, max_time=0.01, seed=1)", "time budget (max_time)"),
        ("assay fairness m.skops --max-time 0.01 --seed 1", "time budget (--max-time)"),
    ],
)
def test_nothing_tested_is_said_in_the_terms_of_who_made_the_run(
    tmp_path: Path, command: str, said: str
) -> None:
    from assay.fairness.result import FairnessResult

    summary = {"headline": "no discriminatory input found", "tested": 0, "stop_reason": "time"}
    # (run id, seed, status, findings, severity, summary, progress, store, command)
    result = FairnessResult("f-1", 1, "budget_exhausted", 0, 0.0, summary, {}, tmp_path, command)
    assert result.untested == f"the {said} ran out before the first test; raise it"
    assert said in result.headline


def test_a_run_of_units_asks_the_labelled_rows_once(biased: Any) -> None:
    model, df, store = biased
    kwargs: dict[str, Any] = {"protected": "sex", "label": "outcome", "store": store, "seed": 2}
    one = assay.check_fairness(model, data=df, max_queries=1500, **kwargs)
    split = assay.check_fairness(model, data=df, max_queries=4500, units=3, **kwargs)
    # every unit asked them (3 x 299) and the report showed the first unit's
    assert split.summary["model_queries"]["group"] == one.summary["model_queries"]["group"]
    assert split.summary["group"] == one.summary["group"]
