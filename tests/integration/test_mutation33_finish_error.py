"""A run whose model failed after its search says why until a later session finishes it,
then no longer (bench/RESULTS.md, mutation33's table: mutant FN2, the error of a run's own
session kept without the flag that lets a finish take it away, and FN3, a usage error
noted as the run's, survived ``test_serve32_finish.py``, whose failure was a finish's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.finishing import finishable
from assay.core.store import RunStore
from assay.errors import ModelError, UsageError
from assay.fairness import answer

DOWN = {"now": False}


def by_age(rows: Any) -> np.ndarray:
    if DOWN["now"]:
        raise RuntimeError("the model's server is down")
    return (np.asarray(rows["age"], dtype=float) > 40).astype(int)


by_age.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_the_error_of_a_session_that_failed_after_its_search_goes_once_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed = answer.compute_answer

    def failing(*args: Any, **kwargs: Any) -> Any:
        DOWN["now"] = True  # (the model goes down once the search is over)
        return computed(*args, **kwargs)

    monkeypatch.setattr(answer, "compute_answer", failing)
    rng = np.random.default_rng(0)
    people = pd.DataFrame({"age": rng.integers(18, 70, 60), "sex": rng.choice(["F", "M"], 60)})
    store = tmp_path / "r.db"
    with pytest.raises(ModelError, match="server is down"):
        assay.check_fairness(by_age, data=people, protected="sex", max_queries=400, seed=1,
                             store=store)  # fmt: skip
    with RunStore(store, read_only=True) as s:
        (record,) = s.list_runs()
    assert finishable(record) and "server is down" in str(record.error)
    monkeypatch.setattr(answer, "compute_answer", computed)
    DOWN["now"] = False
    # a try refused as used (the frame not given again) is the caller's, not the run's:
    # the run's error stays why it failed (mutant FN3: the refusal noted in its place)
    with pytest.raises(UsageError, match="in-memory DataFrame"):
        assay.resume_run(record.id, store=store, model=by_age)
    with RunStore(store, read_only=True) as s:
        assert "server is down" in str(s.get_run(record.id).error)
    assay.resume_run(record.id, store=store, model=by_age, data=people)
    with RunStore(store, read_only=True) as s:
        done = s.get_run(record.id)
    assert not finishable(done)
    assert done.error is None, done.error
