"""mutation28: ``stop=`` as a careless edit could break it unnoticed (each test kills a
hand-made mutant the first tests let live): every API function refuses a stop that is no
event before it touches a store, and a campaign in units stopped before it starts runs none
of its units."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile27b_models import by_sex, negation_aware, negation_blind, people

import assay


def _digest(path: Path) -> bytes:
    return path.read_bytes()


def test_every_api_function_refuses_a_stop_that_is_no_event_before_the_run(
    tmp_path: Path,
) -> None:
    def brightness(x: np.ndarray) -> np.ndarray:
        return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(int)

    brightness.classes_ = [0, 1]  # type: ignore[attr-defined]
    rng = np.random.default_rng(3)
    images, clean = rng.random((6, 8, 8)), rng.random((12, 8, 8))
    store = tmp_path / "runs.db"
    calls: dict[str, Any] = {
        "check_text": lambda: assay.check_text(
            [negation_blind, negation_aware], grammar="builtin:reviews", max_queries=50,
            store=store, stop="stop",
        ),
        "check_backdoor": lambda: assay.check_backdoor(
            brightness, images=images, clean=clean, input_shape="8,8", max_queries=50,
            store=store, stop="stop",
        ),
    }  # fmt: skip
    for name, call in calls.items():
        with pytest.raises(assay.UsageError, match=r"threading\.Event") as caught:
            call()
        assert caught.value.argument == "stop", name
        assert not store.exists(), name  # no run made
    run = assay.check_fairness(
        by_sex, data=people(), protected=["sex"], max_queries=300, seed=1, store=store
    )
    assay.RunStore(store).close()
    before = _digest(store)
    with pytest.raises(assay.UsageError, match=r"threading\.Event"):
        assay.resume_run(run.run_id, store=store, model=by_sex, data=people(), stop=1)
    assert _digest(store) == before  # the run untouched


def test_a_campaign_in_units_stopped_before_it_starts_runs_no_unit(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    result = assay.check_fairness(
        by_sex,
        data=people(),
        protected=["sex"],
        seed=1,
        units=3,
        max_queries=3_000,
        store=tmp_path / "runs.db",
        stop=stop,
    )
    assert result.status == "interrupted"
    assert result.n_findings == 0 and result.summary["units"]["queries"] == []


def test_units_that_ended_out_of_order_are_kept_when_the_campaign_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parallel executor's units end in any order: the stop keeps a unit that ended before
    the units ahead of it (the last here), and a resume runs the others to the findings of a
    campaign never stopped."""
    from assay.core import units

    common: dict[str, Any] = {"data": people(), "protected": ["sex"], "seed": 1, "units": 3}
    whole = assay.check_fairness(by_sex, max_queries=3_000, store=tmp_path / "clean.db", **common)
    stop = threading.Event()
    in_order = units.InProcessUnits.run

    def last_first(self: Any, technique: Any, model: Any, todo: Any) -> Any:
        ended = list(in_order(self, technique, model, todo))
        for k, result in enumerate(reversed(ended)):
            if k == 0:
                stop.set()  # (read once this first result is taken)
            yield result

    monkeypatch.setattr(units.InProcessUnits, "run", last_first)
    store = tmp_path / "runs.db"
    result = assay.check_fairness(by_sex, max_queries=3_000, store=store, stop=stop, **common)
    assert result.status == "interrupted"
    assert len(result.summary["units"]["queries"]) == 1 and result.n_findings > 0
    monkeypatch.setattr(units.InProcessUnits, "run", in_order)
    resumed = assay.resume_run(result.run_id, store=store, model=by_sex, data=people())
    assert resumed.status == whole.status and resumed.n_findings == whole.n_findings
