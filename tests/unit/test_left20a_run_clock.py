"""The seconds a fairness run's progress says are the run's own wall clock, through the end
of every phase: the last line ('done') after a retraining counts it, as the headline's
second figure does; the determinism check before the search is named; a resumed run's lines go on
from the seconds its earlier sessions took, not from the search's alone."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.phased import Phased
from assay.core.store import RunStore


def _people(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    df["approved"] = np.where((df["hours"] > 38) | (df["sex"] == "Male"), "yes", "no")
    return df


def _tree(df: pd.DataFrame) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    columns = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    pipe = Pipeline([("ct", columns), ("tree", DecisionTreeClassifier(random_state=0))])
    return pipe.fit(df[["age", "sex", "hours"]], df["approved"])


def _run(tmp_path: Path, seen: list[dict[str, Any]], **options: Any) -> Any:
    df = _people()
    return assay.check_fairness(
        _tree(df),
        data=df,
        label="approved",
        protected="sex",
        seed=1,
        store=tmp_path / "runs.db",
        retrain_dir=tmp_path / "out",
        on_progress=seen.append,
        **options,
    )


def test_the_last_line_after_a_retraining_counts_it_as_the_headline_does(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    result = _run(tmp_path, seen, retrain=True, max_accuracy_loss=100, max_queries=3000)
    assert result.mitigation is not None
    summary = RunStore(tmp_path / "runs.db").get_run(result.run_id).summary
    total, testing = summary["wall_seconds_with_retraining"], summary["wall_seconds"]
    assert total > testing
    last = seen[-1]
    assert last.get("final") and last.get("phase") == "done"
    assert last["wall"] == total  # the same figure, not counted again nor the search's
    retrain = next(p for p in seen if p.get("phase") == "retrain")
    assert testing <= retrain["wall"] <= total
    headline = summary["headline"]
    assert (
        f"{total:,.1f} s with the retraining after it)" in headline
        and f"{testing:,.1f} s (wall clock;" in headline
    )
    assert summary["metrics"]["wall-clock seconds with the retraining after the run"] > 0
    from assay.report import build_document, render_html

    page = render_html(build_document(RunStore(tmp_path / "runs.db"), result.run_id))
    assert "With the retraining after it" in page
    # the JUnit file's time is the whole step's, retraining included (lead, twentieth session)
    from assay.report import render_junit

    junit = render_junit(build_document(RunStore(tmp_path / "runs.db"), result.run_id))
    assert f'time="{total:.3f}"' in junit
    # the first line is the determinism check made before the search, named
    assert seen[0] == {"phase": "checks", "wall": seen[0]["wall"]}
    assert [p.get("phase") for p in seen].index("search") > 0


def test_a_run_without_retraining_keeps_its_headline(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    result = _run(tmp_path, seen, max_queries=2000, determinism_check=False)
    summary = RunStore(tmp_path / "runs.db").get_run(result.run_id).summary
    assert "retraining" not in summary["headline"] and "wall_seconds_with_retraining" not in summary
    assert seen[-1]["wall"] >= summary["wall_seconds"]
    assert "checks" not in [p.get("phase") for p in seen]  # turned off: nothing to name


def test_a_resumed_runs_lines_go_on_from_its_earlier_sessions() -> None:
    seen: list[dict[str, Any]] = []
    stages = Phased(seen.append, started=time.monotonic() - 2.0, before=30.0)
    stages({"phase": "search", "queries": 10, "findings": 1, "elapsed": 1.5})
    stages({"phase": "search", "queries": 20, "findings": 2, "elapsed": 1.9, "final": True})
    stages.phase("answer")
    stages.finish()
    assert all(32.0 <= p["wall"] < 40.0 for p in seen), seen
    assert seen[-1]["final"] and seen[-1]["elapsed"] == 1.9  # (the engine's, kept as such)
    # an engine that names no phase (text): its lines are the search's, after a phase named
    unnamed: list[dict[str, Any]] = []
    stages = Phased(unnamed.append)
    stages.phase("checks")
    stages({"queries": 5, "findings": 1, "elapsed": 1.0})
    assert [p["phase"] for p in unnamed] == ["checks", "search"]


DONE = {"phase": "done", "queries": 9, "findings": 1, "elapsed": 2.0, "wall": 63.4, "final": True}


def test_the_plain_lines_and_the_bar_show_the_runs_seconds() -> None:
    import io

    from rich.console import Console

    from assay.cli.console import Output

    out = Output()
    plain = io.StringIO()
    out.err = Console(file=plain, force_terminal=False, width=120)
    with out.progress(1000, None) as shown:  # (no start of its own: a resumed run)
        shown({"phase": "search", "queries": 5, "findings": 0, "elapsed": 1.0, "wall": 41.0})
        shown({"phase": "retrain", "wall": 52.0})
        shown(DONE)
    lines = plain.getvalue().splitlines()
    assert lines == [
        "  search: 5 queries, 0 findings, 41 s",
        "  retrain: 52 s",
        "  done: 9 queries, 1 findings, 63 s",
    ]
    tty = io.StringIO()
    out.err = Console(file=tty, force_terminal=True, width=120)
    with out.progress(1000, None) as shown:
        shown({"phase": "search", "queries": 5, "findings": 0, "elapsed": 1.0, "wall": 41.0})
        shown(DONE)
    assert "0:01:03" in tty.getvalue() and "0:00:02" not in tty.getvalue()


def test_a_resumed_fairness_run_counts_its_earlier_sessions(tmp_path: Path) -> None:
    df = _people()
    df.to_csv(tmp_path / "people.csv", index=False)
    import skops.io as sio

    sio.dump(_tree(df), tmp_path / "tree.skops")
    store = RunStore(tmp_path / "runs.db")
    result = assay.check_fairness(
        str(tmp_path / "tree.skops"),
        data=str(tmp_path / "people.csv"),
        label="approved",
        protected="sex",
        max_queries=2000,
        seed=1,
        store=store,
    )
    summary = dict(store.get_run(result.run_id).summary)
    summary["wall_seconds"] = 500.0  # as if its first session took that long
    store.checkpoint(result.run_id, status="interrupted", summary=summary)
    seen: list[dict[str, Any]] = []
    assay.resume_run(result.run_id, store=store, on_progress=seen.append)
    assert seen and all(p["wall"] >= 500.0 for p in seen), seen
    assert seen[-1]["final"] and seen[-1]["wall"] == pytest.approx(
        store.get_run(result.run_id).summary["wall_seconds"], abs=1.0
    )
