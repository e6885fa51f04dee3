"""scale33: a campaign's search seconds are wall-clock seconds, units side by side counted once.

The fairness summary's search seconds (and so "IDIs per second of the search phase only")
were the units' own seconds summed: two units searching at once on two workers read as
twice the time, half the rate.  ``core.units`` now keeps the units' span (first start to
last end, added over the sessions of a resumed run), and a fairness campaign's rate is per
second of it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.model import Capabilities
from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, Unit, UnitResult, execute_units, run_unit
from assay.errors import ModelUnavailable
from assay.fairness.units import search_per_wall_clock

NAP = 0.4  # seconds each unit spends in its model


class _Nap:
    """A search of one step: a model call that sleeps, one finding."""

    def __init__(self, model: Any, rng: np.random.Generator) -> None:
        self.model, self.rng, self.done = model, rng, False

    def step(self) -> list[FindingBatch]:
        self.done = True
        x = self.rng.integers(0, 1 << 30, size=(1, 1, 2))
        y = np.asarray(self.model.predict(x.reshape(1, 2)))
        return [FindingBatch("nap", x, y[:, None], np.ones(1))]

    def flush(self) -> list[FindingBatch]:
        return []

    def progress(self) -> dict[str, Any]:
        return {}

    def summary(self) -> dict[str, Any]:
        return {}


class _NapTest:
    name = "nap"

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: Any, rng: np.random.Generator) -> _Nap:
        return _Nap(model, rng)


class _Sleepy:
    capabilities = Capabilities(modality="tabular", n_classes=None, outputs="labels")

    def predict(self, inputs: Any, /) -> np.ndarray:
        time.sleep(NAP)
        return np.asarray(inputs).sum(axis=1)


class SideBySide:
    """Runs every unit at once, one thread each (as a cluster's workers do)."""

    parallelism = 4

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        with ThreadPoolExecutor(len(units)) as pool:
            yield from pool.map(lambda u: run_unit(technique, model, u), units)

    def close(self) -> None:
        return None


class StopAfterTwo(InProcessUnits):
    def __init__(self) -> None:
        self.ran = 0

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for result in super().run(technique, model, units):
            if self.ran == 2:
                raise ModelUnavailable("the endpoint went away")
            self.ran += 1
            yield result


def _run(store: RunStore, executor: Any, run_id: str | None = None) -> Any:
    resume = run_id is not None
    if run_id is None:
        run_id = new_run_id("nap")
        store.create_run(
            run_id=run_id, technique="nap", seed=5, command="", config={}, model={}, versions={}
        )
    return execute_units(
        _NapTest(), _Sleepy(), store=store, run_id=run_id, seed=5, n_units=4,
        executor=executor, resume=resume,
    )  # fmt: skip


def test_units_side_by_side_count_their_seconds_once(tmp_path: Path) -> None:
    outcome = _run(RunStore(tmp_path / "r.db"), SideBySide())
    units = outcome.summary["units"]
    assert sum(units["seconds"]) >= 4 * NAP
    assert NAP <= units["search_wall_seconds"] < 2.5 * NAP  # 4 naps at once: about one


def test_units_one_after_the_other_span_their_sum(tmp_path: Path) -> None:
    units = _run(RunStore(tmp_path / "r.db"), InProcessUnits()).summary["units"]
    assert units["search_wall_seconds"] >= 0.99 * sum(units["seconds"])


def test_a_resumed_campaign_adds_its_sessions_spans(tmp_path: Path) -> None:
    import pytest

    store = RunStore(tmp_path / "r.db")
    with pytest.raises(ModelUnavailable):
        _run(store, StopAfterTwo())
    (run,) = store.list_runs()
    first = store.load_snapshot(run.id)
    assert first is not None
    assert first.values["search_seconds"] >= 2 * NAP
    units = _run(store, SideBySide(), run.id).summary["units"]
    # the first session's two naps one after the other, the second's two side by side
    assert 3 * NAP <= units["search_wall_seconds"] < 3 * NAP + 1.5 * NAP


def test_a_fairness_campaigns_search_rate_is_per_second_of_its_span() -> None:
    summary: dict[str, Any] = {
        "search": {"idis": 300, "seconds": 3.0, "idis_per_second": 100.0},
        "metrics": {"IDIs per second": 100},
        "units": {"search_wall_seconds": 1.5},
    }
    assert search_per_wall_clock(summary)
    assert summary["search"]["seconds"] == 1.5
    assert summary["search"]["unit_seconds"] == 3.0
    assert summary["metrics"]["IDIs per second"] == 200
    assert not search_per_wall_clock({"search": {"idis": 1, "seconds": 1.0}})
