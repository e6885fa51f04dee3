"""A ``ModelError`` raised after a run's search ended (its answer's calls), or out of
``verify_run``, names the run holding the findings and how to go on, as one raised out of
the search does (hostile49 named only runs left ``failed``: a notebook whose model failed in
the answer was told neither the unfinished run nor ``assay.resume_run``; one whose model
failed in ``verify_run``, nothing of the run it was verifying)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_hostile49_model_error_run import frame  # (the same user frame)

import assay
from assay.core.finishing import finishable
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

_QUERIES = 200


class Biased:
    """Denies women below 55 (a planted bias); fails once it has been asked more than
    ``fail_after`` rows (or on every call: ``fail_after`` 0)."""

    def __init__(self, fail_after: int | None) -> None:
        self.fail_after, self.rows = fail_after, 0

    def __call__(self, X: pd.DataFrame) -> np.ndarray:
        self.rows += len(X)
        if self.fail_after is not None and self.rows > self.fail_after:
            raise RuntimeError("CUDA out of memory")
        women = X["Gender"].to_numpy() == "female"
        return (X["Income"].to_numpy(dtype=float) > np.where(women, 55.0, 45.0)).astype(int)


def test_a_model_failing_after_the_search_names_the_unfinished_run_and_how_to_finish_it(
    tmp_path: Path,
) -> None:
    data, db = frame(), tmp_path / "s.db"
    # the search asks about 200 rows (and the start checks a few): its answer asks more
    with pytest.raises(assay.ModelError) as caught:
        assay.check_fairness(
            Biased(fail_after=2 * _QUERIES),
            data=data,
            protected="Gender",
            max_queries=_QUERIES,
            seed=1,
            store=db,
        )
    said, exc = str(caught.value), caught.value
    assert "CUDA out of memory" in said
    found = re.search(r"run (\S+) stopped after its search ended, ([\d,]+) findings? stored", said)
    assert found is not None, said
    run_id, n = found[1], int(found[2].replace(",", ""))
    assert (exc.run_id, exc.store, exc.n_findings) == (run_id, str(db.resolve()), n)
    assert exc.run_status == "unfinished"
    with RunStore(db) as store:
        record = store.get_run(run_id)
        assert finishable(record) and record.n_findings == n > 0
    call = f"assay.resume_run({run_id!r}, store={str(db.resolve())!r})"
    assert f"finish it (no new search) with {call}" in said
    assert "--" not in said.split("CUDA out of memory")[1]  # (keywords, no options)
    # the call said, the model fixed and given again, finishes it
    done = assay.resume_run(run_id, store=db, model=Biased(None), data=data)
    assert done.status == "completed" and done.n_findings == n and not done.passed
    with RunStore(db) as store:
        assert not finishable(store.get_run(run_id))


def test_verify_run_failing_names_the_run_it_left_as_it_was(tmp_path: Path) -> None:
    data, db = frame(), tmp_path / "s.db"
    ran = assay.check_fairness(
        Biased(None), data=data, protected="Gender", max_queries=_QUERIES, seed=1, store=db
    )
    assert ran.n_findings > 0
    with pytest.raises(assay.ModelError) as caught:
        assay.verify_run(ran.run_id, store=db, model=Biased(fail_after=0), data=data)
    said, exc = str(caught.value), caught.value
    assert (exc.run_id, exc.run_status, exc.n_findings) == (ran.run_id, "verified", ran.n_findings)
    assert f"run {ran.run_id} is as it was ({ran.n_findings:,} findings stored)" in said
    assert f"assay.verify_run({ran.run_id!r}, store={str(db.resolve())!r})" in said
    replay = assay.verify_run(ran.run_id, store=db, model=Biased(None), data=data)
    assert replay.still_failing == ran.n_findings


def test_a_model_failing_in_the_search_is_still_told_to_continue_it(tmp_path: Path) -> None:
    data, db = frame(), tmp_path / "s.db"
    with pytest.raises(assay.ModelError) as caught:
        assay.check_fairness(
            Biased(fail_after=_QUERIES // 2),
            data=data,
            protected="Gender",
            max_queries=_QUERIES,
            seed=1,
            store=db,
        )
    said = str(caught.value)
    assert caught.value.run_status == "failed"
    assert re.search(
        r"run \S+ failed, [\d,]+ findings? stored; once the problem is fixed, "
        r"continue it with assay\.resume_run\(",
        said,
    ), said
