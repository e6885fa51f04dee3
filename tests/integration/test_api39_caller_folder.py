"""api39: a model that changes the process's folder (``os.chdir`` in its calls) left a
notebook in the model's folder after ``check_*`` returned or raised, and the relative paths
the call was given and read late (``export_filter``, ``retrain_dir``; ``resume_run`` and
``verify_run``'s store) were read there.  An API call now holds the caller's folder as the
command line does (``core.workdir.held``): put back when it returns or raises, each relative
path read from it; the model keeps the folder it moved to for its own calls.  Each test
fails on main."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.store import RunStore

from test_api39_let_go import digits_scan  # isort: skip

pytestmark = pytest.mark.slow

AWAY: list[Path] = []  # the folder the models move to (set by the ``away`` fixture)


@pytest.fixture
def away(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The model's folder (holding its ``threshold.txt``); the caller works in ``here``."""
    folder = tmp_path / "away"
    folder.mkdir()
    (folder / "threshold.txt").write_text("4")
    here = tmp_path / "notebook"
    here.mkdir()
    monkeypatch.chdir(here)
    AWAY[:] = [folder]
    return folder


def _moving(fail_at: int = 0) -> Any:
    """A function model that moves to its folder in each call and reads its file there."""
    calls = [0]

    def predict(X: Any) -> Any:
        os.chdir(AWAY[0])
        calls[0] += 1
        if calls[0] == fail_at:
            raise RuntimeError("the model broke")
        t = float(Path("threshold.txt").read_text())  # (relative: its own folder)
        rows = np.asarray(X, dtype=float)
        return ((rows[:, 0] > t) & (rows[:, 8] > 0.5)).astype(np.int64)

    return predict


def _fairness(model: Any, store: str = "s.db", **kw: Any) -> Any:
    return assay.check_fairness(
        model, dataset="adult", protected="sex", max_queries=1_500, seed=1, store=store, **kw
    )


def test_the_callers_folder_is_back_after_a_run_returned(away: Path) -> None:
    here = Path.cwd()
    result = _fairness(_moving())
    assert Path.cwd() == here  # (main: the model's folder)
    assert result.n_findings > 0  # (the model read its file in its own folder: it worked)
    assert (here / "s.db").is_file() and not (away / "s.db").exists()


def test_the_callers_folder_is_back_after_a_run_raised(away: Path) -> None:
    here = Path.cwd()
    with pytest.raises(assay.ModelError):
        _fairness(_moving(fail_at=6))
    assert Path.cwd() == here


def test_a_text_classifier_that_moves(away: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # (in this process: its chdir is ours)
    here = Path.cwd()

    def a(batch: Any) -> Any:
        os.chdir(AWAY[0])
        return np.array([0 if "not" in s else 1 for s in batch])

    def b(batch: Any) -> Any:
        return np.array([1 for _ in batch])

    a.classes_ = b.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    assay.check_text([a, b], grammar="builtin:reviews", max_queries=300, seed=1, store="s.db")
    assert Path.cwd() == here


def test_the_backdoor_filter_is_written_where_the_call_was_made(away: Path) -> None:
    here = Path.cwd()
    result = digits_scan(lambda: os.chdir(AWAY[0]), store="s.db", export_filter="f.json")
    assert (here / "f.json").is_file() and not (away / "f.json").exists()  # (main: away)
    assert result.filter_path == here / "f.json"  # (absolute: the notebook may move later)
    assert Path.cwd() == here


class Moving(DecisionTreeClassifier):
    """A tree that moves to its folder whenever it is asked (refit as a clone: the same)."""

    def predict(self, X: Any, check_input: bool = True) -> Any:
        os.chdir(AWAY[0])
        return super().predict(X, check_input=check_input)

    def predict_proba(self, X: Any, check_input: bool = True) -> Any:
        os.chdir(AWAY[0])
        return super().predict_proba(X, check_input=check_input)


def test_the_retrained_model_is_written_where_the_call_was_made(away: Path) -> None:
    rng = np.random.default_rng(0)
    n = 600
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.integers(0, 2, n),
            "hours": rng.integers(10, 60, n),
        }
    )
    df["approved"] = ((df["hours"] > 38) | (df["sex"] == 1)).astype(int)
    model = Moving(random_state=0).fit(df[["age", "sex", "hours"]], df["approved"])
    here = Path.cwd()
    result = assay.check_fairness(
        model, data=df, label="approved", protected="sex", retrain=True, retrain_dir="models",
        max_queries=3_000, seed=1, store="s.db", max_accuracy_loss=100,
    )  # fmt: skip
    saved = [Path(p) for p in (result.mitigation or {}).get("saved") or []]
    assert saved and all(p.is_relative_to(here / "models") for p in saved), saved  # (main: away)
    assert not (away / "models").exists()
    assert Path.cwd() == here


def test_resume_and_verify_read_their_store_where_they_were_called(away: Path) -> None:
    here = Path.cwd()
    with pytest.raises(assay.ModelError):
        _fairness(_moving(fail_at=6))
    os.chdir(here)  # (main left the caller in the model's folder: the test goes on from here)
    (run,) = RunStore("s.db", read_only=True).list_runs()
    result = assay.resume_run(run.id, store="s.db", model=_moving())
    assert Path.cwd() == here  # (main: the model's folder)
    assert result.status in ("completed", "budget_exhausted")
    os.chdir(here)
    replayed = assay.verify_run(run.id, store="s.db", model=_moving())
    assert Path.cwd() == here
    assert replayed.total > 0
    assert not (away / "s.db").exists()


def test_setup_fairness_of_a_model_file_that_moves_at_import(away: Path, tmp_path: Path) -> None:
    """``setup_fairness`` loads without running: a model file that chdirs at import left the
    caller in its folder (main), and a ``check_fairness(setup=...)`` after it held that one."""
    (tmp_path / "m.py").write_text(
        "import os\nimport numpy as np\n"
        f"os.chdir({str(away)!r})\n\n"
        "def predict(X):\n"
        "    return (np.asarray(X, dtype=float)[:, 0] > 4).astype(np.int64)\n"
    )
    here = Path.cwd()
    from assay.api import setup_fairness

    setup = setup_fairness("../m.py:predict", dataset="adult", protected="sex")
    assert Path.cwd() == here  # (main: the model's folder)
    assay.check_fairness(setup=setup, max_queries=300, seed=1, store="s.db")
    assert (here / "s.db").is_file()
