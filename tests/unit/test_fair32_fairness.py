"""fair31's fairness leftovers (fair32): the group metrics in the favourable class's terms
(named, inferred, resumed), cut by the time budget, counted beside their rows; how the data
was read kept as notes rather than warnings; a Python caller's budget in its own terms."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

import assay
from assay.core.budget import BudgetedModel
from assay.errors import UsageError
from assay.fairness import technique
from assay.fairness.loading import setup_fairness
from assay.fairness.technique import FairnessSearch

# men approved from 30 hours, women from 45: 'approved' (index 0) is the favourable class
from test_fair31_notebook import _people, _pipe  # isort: skip


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, pd.DataFrame, Path]:
    df, y = _people()
    return _pipe(df, y), df.assign(outcome=y), tmp_path_factory.mktemp("fair32") / "runs.db"


def _check(model: Any, df: pd.DataFrame, store: Path, **options: Any) -> Any:
    """``check_fairness`` of ``model`` on ``df``, seeded, protecting ``sex`` unless told."""
    options = {"protected": "sex", "max_queries": 2000, **options}
    return assay.check_fairness(model, df, store=store, seed=1, **options)


def _rates(model: Any, df: pd.DataFrame, of: str) -> dict[str, float]:
    """Each sex's share of rows the model gives ``of`` (computed here, not by assay)."""
    given = pd.Series(model.predict(df[["age", "sex", "hours", "job"]]) == of, index=df.index)
    return {str(k): float(v) for k, v in given.groupby(df["sex"]).mean().items()}


def test_group_metrics_are_the_inferred_favourable_classs(biased: Any) -> None:
    """Classes ['approved', 'denied']: 'approved' (index 0) is inferred favourable, and the
    selection rates are the rates of 'approved' (they were of 'denied', index 1: women read
    as selected more than men by a model that favours men)."""
    model, df, store = biased
    result = _check(model, df, store, label="outcome")
    assert result.summary["favourable"]["class"] == "approved"
    group = result.summary["group"]
    assert group["positive"] == "approved" and group["favourable"] == "approved"
    assert "inferred" in group["how"]
    rates = _rates(model, df, "approved")
    assert rates["Male"] > rates["Female"]  # (the planted bias)
    for g in group["groups"]:
        assert g["selection_rate"] == pytest.approx(rates[g["values"][0]])
    section = next(s for s in result.summary["sections"] if s["title"].startswith("Group"))
    assert "the rates are of the favourable class 'approved' (inferred" in section["text"]
    frame = result.group_metrics()
    assert frame.favourable == "approved" and "inferred" in frame.favourable_how
    by_group = frame.by_group["selection_rate"]
    assert by_group["Male"] == pytest.approx(rates["Male"])
    assert by_group["Female"] == pytest.approx(rates["Female"])


def test_group_metrics_are_the_named_favourable_classs_and_a_resume_keeps_it(
    biased: Any,
) -> None:
    """``favourable='denied'`` makes the rates those of 'denied', said as named; a run
    stopped before its group metrics, resumed, measures them of 'denied' too (the resumed
    setup inferred 'approved')."""
    model, df, store = biased
    stop = threading.Event()
    stop.set()  # (stopped at its first step: the group metrics)
    first = _check(model, df, store, label="outcome", favourable="denied", stop=stop)
    assert first.status == "interrupted" and first.summary.get("group") is None
    resumed = assay.resume_run(first.run_id, store=store, model=model, data=df)
    group = resumed.summary["group"]
    assert group["positive"] == "denied" and group["how"].startswith("named by the user")
    rates = _rates(model, df, "denied")
    for g in group["groups"]:
        assert g["selection_rate"] == pytest.approx(rates[g["values"][0]])


def test_a_favourable_class_not_the_models_is_refused_with_the_answer_off(
    biased: Any,
) -> None:
    """The group metrics read ``favourable`` with the answer off too: a class the model
    does not have is refused before the run (it was not checked, the answer being off)."""
    model, df, store = biased
    with pytest.raises(UsageError, match="'granted' is not one of the model's classes"):
        _check(model, df, store, label="outcome", favourable="granted", answer=False)


def test_no_group_metrics_where_no_row_holds_the_favourable_class(tmp_path: Path) -> None:
    """A model that always answers 'denied', on rows all labelled 'denied': every group's
    rate of 'approved' is 0, a gap of 0 that measures nothing; the run says why it has no
    group metrics rather than report rates of 'denied' as the favourable class's."""
    df, _ = _people()

    def model(x: Any) -> np.ndarray:
        return np.full(len(x), "denied", dtype=object)

    model.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    result = _check(model, df.assign(outcome="denied"), tmp_path / "r.db", label="outcome")
    assert result.summary["group"] is None
    why = result.summary["stopped_early"]["context"]
    assert "favourable class 'approved'" in why and "neither a true label" in why
    assert 0 < result.summary["model_queries"]["group"] <= len(df)  # (repeats asked once)
    assert result.untested  # (one answer to every input: nothing tested, never a pass)


def test_group_metrics_cut_by_the_time_budget_say_so_and_count_as_theirs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The time budget runs out while the labelled rows are asked (in chunks): no group
    figures (those of the rows answered before the cut would pass for every row's), the
    budget section says why, and the queries asked are the group metrics' (the cut raised
    out of the phase, and its queries were said to be the estimate's)."""
    df, y = _people()
    fitted = _pipe(df, y)
    clock = [0.0]

    def model(x: Any) -> np.ndarray:
        clock[0] += 1.0  # each call takes a second of the run's (fake) clock
        return np.asarray(fitted.predict(x))

    model.classes_ = list(fitted.classes_)  # type: ignore[attr-defined]
    setup = setup_fairness(model, data=df.assign(outcome=y), protected="sex", label="outcome")
    monkeypatch.setattr(technique, "_CHUNK", 100)  # 300 rows: three calls, a second each
    budget = BudgetedModel(setup.model, max_time=1.5, clock=lambda: clock[0])
    search = FairnessSearch(setup.test, budget, np.random.default_rng(0))
    assert search.step() == []  # (the cut is the phase's, not raised out of it)
    assert search.context is None and search.phase == 1
    assert "time budget ran out while the model was asked" in search.stopped_early["context"]
    summary = search.summary()
    assert summary["group"] is None and summary["group_queries"] == budget.queries
    assert budget.queries == 200  # (the third call was refused at the cut)
    restored = FairnessSearch(setup.test, budget, np.random.default_rng(0))
    restored.restore(search.snapshot())
    assert restored.summary()["group_queries"] == 200


def test_the_group_metrics_queries_are_said_beside_their_rows(biased: Any, tmp_path: Path) -> None:
    """Rows repeated in the data are asked once: 300 queries for 600 labelled rows read
    "300 by the group metrics (one a labelled row)"."""
    model, df, _ = biased
    twice = pd.concat([df, df], ignore_index=True)
    result = _check(model, twice, tmp_path / "r.db", label="outcome")
    group = result.summary["model_queries"]["group"]
    assert group < len(twice) and result.summary["group"]["rows"] == len(twice)
    assert (
        f"{group:,} by the group metrics (for 600 labelled rows: a row asked before"
        in (result.summary["headline"])
    )
    assert "(one a labelled row)" not in result.summary["headline"]


def test_how_the_data_was_read_is_a_note_not_a_warning(biased: Any, tmp_path: Path) -> None:
    """A function given DataFrames, a column set aside: notes (``result.notes``), not
    warnings; repr and Jupyter no longer count or colour them as warnings.  A model fed its
    columns by position (nothing confirms their order) is still a warning."""
    model, df, _ = biased
    store = tmp_path / "r.db"

    def by_name(x: pd.DataFrame) -> np.ndarray:
        return np.asarray(model.predict(x[["age", "sex", "hours", "job"]]))

    by_name.classes_ = list(model.classes_)  # type: ignore[attr-defined]
    noted = _check(by_name, df.drop(columns="outcome"), store, max_queries=600)
    assert noted.warnings == [], noted.warnings
    assert any("is given DataFrames" in n for n in noted.notes), noted.notes
    assert "warning(s)" not in repr(noted) and "1 note(s)" in repr(noted)
    html = noted._repr_html_()
    assert "<p>note: The function failed on a numpy array" in html
    assert "color:#a00'>The function failed" not in html
    read = next(s for s in noted.summary["sections"] if s["title"].startswith("How the data"))
    assert "is given DataFrames" in read["text"]

    def by_position(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=object)
        return np.where(x[:, 1] == "Male", "approved", "denied")

    by_position.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    warned = _check(by_position, df.drop(columns="outcome"), store, max_queries=600)
    assert any("names none of its columns" in w for w in warned.warnings), warned.warnings
    assert not any("names none of its columns" in n for n in warned.notes)
    assert "1 warning(s)" in repr(warned)


def test_a_python_runs_budget_is_said_in_its_keywords(biased: Any, tmp_path: Path) -> None:
    """A 52-valued protected ``age`` under ``max_queries=3000``: the answer's samples are
    bounded by max(max_queries, 20,000) and the headline says so, with the budget that gives
    them back, as ``max_queries`` (it said the command line's ``--max-queries``); the
    stored headline (the command line's, the reports') keeps the flag."""
    model, df, _ = biased
    result = _check(
        model, df.drop(columns="outcome"), tmp_path / "r.db", protected="age", max_queries=3000
    )
    asked = result.summary["model_queries"]
    assert asked["total"] > 3000 and asked["answer"] <= 20_000
    assert "its samples are bounded by max_queries 3,000 (or 20,000" in result.headline
    assert "--max-queries" not in result.headline
    assert f"in all, the model was asked {asked['total']:,} queries" in result.headline
    assert "bounded by --max-queries 3,000" in result.summary["headline"]


def test_a_run_of_units_keeps_its_accuracy_on_the_labelled_rows(
    biased: Any, tmp_path: Path
) -> None:
    """A run split into units reported no accuracy on the labelled rows (the merge read
    the unit's metric under another key)."""
    model, df, _ = biased
    result = _check(model, df, tmp_path / "r.db", label="outcome", max_queries=3000, units=2)
    accuracy = result.summary["metrics"]["accuracy on the labelled rows (%)"]
    expected = 100 * float(np.mean(model.predict(df.drop(columns="outcome")) == df["outcome"]))
    assert accuracy == pytest.approx(expected, abs=0.01)


def test_a_model_that_never_reads_the_attribute_is_said_so(biased: Any, tmp_path: Path) -> None:
    """A pipeline whose ColumnTransformer drops ``sex`` passed as "none found" as a model
    that reads sex and is fair to it: its probabilities never move with sex, which the
    answer now says (a note, not a warning); the biased pipeline, which reads sex, not."""
    model, df, _ = biased
    frame = df.drop(columns="outcome")
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["job"]),
        ("passthrough", ["age", "hours"]),
        remainder="drop",
    )
    blind = make_pipeline(encode, LogisticRegression(max_iter=2000)).fit(frame, df["outcome"])
    result = _check(blind, frame, tmp_path / "r.db", max_queries=1500)
    assert result.n_findings == 0 and result.warnings == []
    (row,) = result.summary["verdict"]
    assert row["level"] == "none found"
    assert row["unmoved"].startswith("sex: the model's probabilities did not change with sex")
    assert "may not read sex at all" in row["unmoved"]
    assert row["unmoved"] in result.notes
    reads = _check(model, frame, tmp_path / "r.db", max_queries=1500)
    assert "unmoved" not in reads.summary["verdict"][0]
    assert not any("did not change with sex" in n for n in reads.notes)


class _DeniesEveryone:
    """A model whose probabilities follow ``inner``'s but never reach 0.5 for 'approved':
    it denies everyone (a degenerate model on imbalanced data)."""

    classes_ = np.array(["approved", "denied"])

    def __init__(self, inner: Any, columns: list[str]) -> None:
        self.inner = inner
        self.feature_names_in_ = np.array(columns)

    def predict_proba(self, x: Any) -> np.ndarray:
        p = 0.4 * self.inner.predict_proba(x)[:, 0]
        return np.stack([p, 1 - p], axis=1)

    def predict(self, x: Any) -> np.ndarray:
        return self.classes_[self.predict_proba(x).argmax(axis=1)]


def test_a_model_giving_one_class_to_everyone_has_not_passed(biased: Any, tmp_path: Path) -> None:
    """Its probabilities vary (so it was no constant model), but no input can change class
    with sex: "none found" exited 0.  Now it is NOTHING WAS TESTED, with the advice to
    compare probabilities; with a threshold it is tested (and found)."""
    model, df, _ = biased
    frame = df.drop(columns="outcome")
    denies = _DeniesEveryone(model, list(frame.columns))
    result = _check(denies, frame, tmp_path / "r.db", max_queries=1500)
    assert result.n_findings == 0 and not result.passed
    assert result.untested is not None
    assert "gave one class ('denied') to every input its search and answer asked" in result.untested
    assert "threshold=0.05" in result.untested
    by_p = _check(denies, frame, tmp_path / "r.db", max_queries=1500, threshold=0.05)
    assert by_p.untested is None and by_p.n_findings > 0
