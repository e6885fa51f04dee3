"""Reproducibility from Python, as a notebook meets it (repro24).

- ``seed=np.int64(3)`` (a loop over ``np.arange``) was refused: "must be a whole number from
  0 to ..., not np.int64(3)"; it is the seed 3, the same findings.
- A result's notebook view showed ``rerun: assay.check_fairness(..., seed=1)`` with nothing
  of what the reports say beside it (a ``max_time`` run's caveat): ``result.rerun_note``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.core.runinfo import OBJECTS_GIVEN


def _model_and_data() -> tuple[DecisionTreeClassifier, pd.DataFrame]:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"x": rng.integers(0, 40, 300), "sex": rng.integers(0, 2, 300)})
    target = ((frame["x"] + 8 * frame["sex"]) > 22).astype(int)
    return DecisionTreeClassifier(random_state=0).fit(frame.to_numpy(), target), frame


def _witnesses(store: Path, run_id: str) -> list[bytes]:
    with assay.RunStore(store, read_only=True) as s:
        return [b.inputs.tobytes() for b in s.iter_batches(run_id)]


def test_a_numpy_integer_is_a_seed(tmp_path: Path) -> None:
    model, frame = _model_and_data()
    store = tmp_path / "runs.db"
    common = dict(data=frame, protected="sex", max_queries=200, exact=False, store=store)
    given = assay.check_fairness(model, seed=np.int64(3), **common)  # type: ignore[arg-type]
    plain = assay.check_fairness(model, seed=3, **common)  # type: ignore[arg-type]
    assert (
        given.seed == 3
        and isinstance(given.seed, int)
        and given.command.endswith(f"seed=3){OBJECTS_GIVEN}")
    )
    assert _witnesses(store, given.run_id) == _witnesses(store, plain.run_id)
    for bad in (np.bool_(True), True, 3.0, np.float64(3), "3", np.int64(-1)):
        with pytest.raises(assay.UsageError, match="seed"):
            assay.check_fairness(model, seed=bad, **common)  # type: ignore[arg-type]


def test_a_results_rerun_note_is_the_reports(tmp_path: Path) -> None:
    model, frame = _model_and_data()
    store = tmp_path / "runs.db"
    common = dict(data=frame, protected="sex", exact=False, seed=1, store=store)
    timed = assay.check_fairness(model, max_time=30.0, **common)  # type: ignore[arg-type]
    note = timed.rerun_note
    assert note and "max_time=30" in note and "--max-time" not in note
    assert note in timed._repr_html_().replace("&#x27;", "'")
    counted = assay.check_fairness(model, max_queries=200, **common)  # type: ignore[arg-type]
    notes = [p for p in counted._repr_html_().split("<p>") if p.startswith("note:")]
    # (the one note left: classes 0/1, the favourable one guessed, as the command line says)
    assert counted.rerun_note is None and all("Favourable outcome" in p for p in notes)
