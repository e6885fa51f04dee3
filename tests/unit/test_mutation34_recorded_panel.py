"""A served text panel's classifiers (several model objects) used by two runs in one process
count each request once, and a Dask unit attempt lost in the first run is not lost again in
the second (mutation34: mutants SV1, the lost attempts not taken from the mark, and SV3, a
panel's counts taken whole, survived mutation33b's tests, of one model)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_mutation33b_recorded_once import CAPS, _sent  # isort: skip

from assay.core.store import RunStore
from assay.models.http import HttpModel
from assay.models.serving import follow_served, record_served, record_serving


def _runs(tmp_path: Path, *ids: str) -> RunStore:
    store = RunStore(tmp_path / "s.db")
    for run in ids:
        store.create_run(
            run_id=run, technique="text", seed=1, command="x", config={}, model={}, versions={}
        )
        store.checkpoint(run, summary={"headline": "x"})
    return store


def test_a_panel_reused_by_a_second_run_counts_its_own_requests(tmp_path: Path) -> None:
    store = _runs(tmp_path, "text-1", "text-2")
    panel = [HttpModel(f"http://127.0.0.1:9/{n}", capabilities=CAPS) for n in ("a", "b")]
    for run, sent in (("text-1", 4), ("text-2", 3)):
        follow_served(store, run, panel)
        for m in panel:
            _sent(m, sent)
        record_served(store, run, panel)
    serving = store.get_run("text-2").summary["serving"]
    assert serving["requests"] == serving["unanswered"] == 6  # (3 each; 14 with the first's)
    store.close()


def test_a_lost_unit_attempt_is_counted_with_its_own_run_alone(tmp_path: Path) -> None:
    store = _runs(tmp_path, "text-1", "text-2")
    model = HttpModel("http://127.0.0.1:9/a", capabilities=CAPS)
    follow_served(store, "text-1", [model])
    _sent(model, 2)
    model.stats.lost_attempts = 1  # (a unit's attempt on a worker that died)
    record_serving(store, "text-1", model)
    follow_served(store, "text-2", [model])
    _sent(model, 2)
    record_serving(store, "text-2", model)
    first = store.get_run("text-1").summary["serving"]
    second = store.get_run("text-2").summary["serving"]
    assert (first["unit_attempts_lost"], second["unit_attempts_lost"]) == (1, 0)
    assert second["requests"] == 2
    store.close()


def _answered(model: HttpModel, start: float, end: float) -> None:
    """A request answered (status 200), sent at ``start``, its answer at ``end``."""
    st = model.stats
    st.requests += 1
    st.answered += 1
    st.status_counts["200"] = st.status_counts.get("200", 0) + 1
    st.latencies.append(end - start)
    st.called(start, end)


def test_a_second_runs_wall_clock_starts_at_its_own_first_call(tmp_path: Path) -> None:
    """(mutant SV6: ``first`` not reset when recorded, the second run's serving seconds
    ran from the first run's first call)"""
    store = _runs(tmp_path, "text-1", "text-2")
    model = HttpModel("http://127.0.0.1:9/a", capabilities=CAPS)
    follow_served(store, "text-1", [model])
    _answered(model, 1_000.0, 1_010.0)
    record_serving(store, "text-1", model)
    follow_served(store, "text-2", [model])
    _answered(model, 5_000.0, 5_004.0)  # an hour later
    record_serving(store, "text-2", model)
    assert store.get_run("text-1").summary["serving"]["wall_seconds"] == 10.0
    assert store.get_run("text-2").summary["serving"]["wall_seconds"] == 4.0
    store.close()


def test_a_copy_of_a_recorded_model_counts_its_own_requests(tmp_path: Path) -> None:
    """(mutant SV7: a pickled model kept the mark of counts it no longer holds, and its
    next run counted 3 - 4 = -1 requests)"""
    import pickle

    store = _runs(tmp_path, "text-1", "text-2")
    model = HttpModel("http://127.0.0.1:9/a", capabilities=CAPS)
    follow_served(store, "text-1", [model])
    _sent(model, 4)
    record_serving(store, "text-1", model)
    copy = pickle.loads(pickle.dumps(model))  # (as joblib.dump, or copy.deepcopy, does)
    follow_served(store, "text-2", [copy])
    _sent(copy, 3)
    record_serving(store, "text-2", copy)
    assert store.get_run("text-2").summary["serving"]["requests"] == 3
    store.close()


def test_a_followed_model_pickles_without_its_follower(tmp_path: Path) -> None:
    """(as Dask sends it to its workers: the follower's timer lock cannot be pickled, and
    the follower is this process's session's; mutant GS1 kept it)"""
    import pickle

    store = _runs(tmp_path, "text-1")
    model = HttpModel("http://127.0.0.1:9/a", capabilities=CAPS)
    follow_served(store, "text-1", [model])
    copy = pickle.loads(pickle.dumps(model))
    assert copy.followed is None and model.followed is not None
    record_serving(store, "text-1", model)
    store.close()
