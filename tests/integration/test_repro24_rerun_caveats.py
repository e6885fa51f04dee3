"""What a rerun command cannot promise, said beside it (repro24).

- A forest's answer (tree ensembles are analysed exactly by default, within 10 s) was cut by
  the analysis's time: two runs of the printed command, same seed and query budget, gave the
  same IDIs but other shares (2.06 % and 2.14 %, undecided 88 % and 99.8 % of the space), and
  nothing said so: ``rerun_note`` was null.
- A model that answers the same input differently (the determinism checks warned) got a
  rerun command with no caveat either: pasted, it found 151 IDIs where the run had 141, two
  in common.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.cli.app import main

_TIME = "stopped at its time limit"
_NOISE = "answered the same input differently"


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "x": rng.integers(0, 60, 500),
            "y": rng.integers(0, 60, 500),
            "z": rng.integers(0, 60, 500),
            "sex": rng.integers(0, 2, 500),
        }
    )
    target = ((frame["x"] + frame["y"] + 20 * frame["sex"]) > 70).astype(int).to_numpy()
    return frame, target


def _shown(capsys: pytest.CaptureFixture[str], run_id: str, store: Path) -> dict[str, object]:
    with pytest.raises(SystemExit) as exc:
        main(["show", run_id, "--store", str(store), "--json"])
    assert exc.value.code == 0
    shown: dict[str, object] = json.loads(capsys.readouterr().out)
    return shown


def test_an_exact_analysis_cut_by_its_time_is_said_beside_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame, target = _frame()
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(frame.to_numpy(), target)
    store = tmp_path / "runs.db"
    common = dict(data=frame, protected="sex", max_queries=200, seed=3, store=store)
    # a time limit no analysis can meet: cut whatever the machine's speed
    cut = assay.check_fairness(forest, exact=True, exact_time=1e-9, **common)  # type: ignore[arg-type]
    shown = _shown(capsys, cut.run_id, store)
    note = shown["rerun_note"]
    assert isinstance(note, str) and _TIME in note and "sex" in note
    assert "exact=False" in note  # (an API run: said in its own terms)
    assert shown["summary"]["analysis"]["exact_cut_by_time"] == ["sex"]  # type: ignore[index]
    # the JSON report says it too
    report = tmp_path / "r.json"
    with pytest.raises(SystemExit):
        main(["report", cut.run_id, "--store", str(store), "--report", str(report)])
    assert _TIME in json.loads(report.read_text())["rerun_note"]
    # an analysis that decided everything (one small tree) promises its figures: no note
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(frame.to_numpy(), target)
    whole = assay.check_fairness(tree, exact=True, exact_time=60.0, **common)  # type: ignore[arg-type]
    assert _shown(capsys, whole.run_id, store)["rerun_note"] is None


def test_a_model_that_answers_alike_twice_differently_gets_a_caveat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame, target = _frame()
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(frame.to_numpy(), target)
    calls = [0]

    def flaky(rows: np.ndarray) -> np.ndarray:  # every other call answers the other class
        calls[0] += 1
        return np.asarray(tree.predict(np.asarray(rows)) ^ (calls[0] % 2), dtype=np.int64)

    store = tmp_path / "runs.db"
    common = dict(data=frame, protected="sex", max_queries=300, exact=False, store=store)
    noisy = assay.check_fairness(flaky, seed=4, **common)  # type: ignore[arg-type]
    note = _shown(capsys, noisy.run_id, store)["rerun_note"]
    assert isinstance(note, str) and _NOISE in note
    steady = assay.check_fairness(tree, seed=4, **common)  # type: ignore[arg-type]
    assert _shown(capsys, steady.run_id, store)["rerun_note"] is None


def test_a_text_classifier_that_answers_twice_differently_gets_a_caveat(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = [0]

    def flaky(texts: list[str]) -> np.ndarray:
        calls[0] += 1
        p = np.array([[0.1, 0.1, 0.8] if "good" in t else [0.8, 0.1, 0.1] for t in texts])
        return p[:, ::-1] if calls[0] % 2 == 0 else p

    flaky.classes_ = ["negative", "neutral", "positive"]  # type: ignore[attr-defined]
    store = tmp_path / "runs.db"
    run = assay.check_text(
        ["builtin:tfidf", flaky], grammar="builtin:reviews", max_queries=200, seed=1, store=store
    )
    note = _shown(capsys, run.run_id, store)["rerun_note"]
    assert isinstance(note, str) and _NOISE in note


def test_the_command_lines_caveat_names_its_options() -> None:
    from assay.core.runinfo import rerun_note

    summary = {"analysis": {"exact_cut_by_time": ["sex", "race"]}}
    said = rerun_note({}, "assay fairness m.skops --exact", summary=summary)
    assert said and "of sex, race" in said and "--no-exact" in said and "--exact-time" in said
    assert rerun_note({}, "assay fairness m.skops", summary={"analysis": {}}) is None


def test_the_demos_caveat_names_no_option_the_demo_lacks() -> None:
    from assay.core.runinfo import rerun_note

    summary = {"analysis": {"exact_cut_by_time": ["sex"]}}
    said = rerun_note(
        {"budget": {"max_time": 5.0}}, "assay demo --seed 0 --seconds 5", summary=summary
    )
    assert said and "a longer --seconds" in said and "rerun with --no-exact" not in said
