"""A resumed text or backdoor run's rates are per wall-clock second from the run's start, as
an uninterrupted run's are: its earlier sessions' seconds (loading included) count, and a
text run's progress lines carry the run's clock.  Before, a resumed run divided by the
engine's seconds alone (its loading, and the earlier sessions' loading, left out: a rate
that flattered the run)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.core.runinfo import earlier_wall_seconds
from assay.core.store import RunStore
from assay.text.api import check_text, resume_text, setup_text
from assay.text.pipeline import WORKER_ENV

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
EARLIER = 30.0  # seconds the first session's loading is said to have taken


def _cut(monkeypatch: pytest.MonkeyPatch, where: str) -> Any:
    """``where``'s ``execute`` stopping after 3 checkpoints; returns the original."""
    import assay.core.run as core_run

    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", 3)
        return orig(*a, **k)

    monkeypatch.setattr(where, cut)
    return orig


def test_a_resumed_text_run_counts_its_earlier_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    store = RunStore(tmp_path / "s.db")
    orig = _cut(monkeypatch, "assay.text.phases.execute")
    first = check_text(
        setup=setup, store=store, seed=3, max_queries=1500, started=time.monotonic() - EARLIER
    )
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    record = store.get_run(first.run_id)
    assert record.summary["metrics"]["wall-clock seconds"] >= EARLIER
    assert earlier_wall_seconds(record) >= EARLIER
    lines: list[dict[str, Any]] = []
    resumed = resume_text(first.run_id, store=store, on_progress=lines.append)
    metrics = resumed.summary["metrics"]
    wall = metrics["wall-clock seconds"]
    assert wall >= EARLIER  # the earlier session's seconds count
    errors = metrics["errors found (distinct failing sentences)"]
    assert errors > 0
    assert metrics["errors per second"] == pytest.approx(errors / wall, rel=1e-3)
    shown = [p["wall"] for p in lines if "wall" in p]
    assert shown and min(shown) >= EARLIER  # the lines carry the run's clock


def test_a_resumed_backdoor_run_counts_its_earlier_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    keep = np.flatnonzero(y[200:] != 7)[:24] + 200
    images, clean = trig.apply(x[keep]) * 16, x[:60] * 16
    store = tmp_path / "s.db"
    orig = _cut(monkeypatch, "assay.backdoor.phases.execute")
    first = assay.check_backdoor(
        d.model, images=images, clean=clean, input_shape="64", value_range="0,16", seed=1,
        store=store, started=time.monotonic() - EARLIER,
    )  # fmt: skip
    monkeypatch.setattr("assay.backdoor.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    RunStore(store).checkpoint(first.run_id, status="interrupted")
    resumed = assay.resume_run(first.run_id, store=store, model=d.model, images=images,
                               clean=clean)  # fmt: skip
    metrics = resumed.summary["metrics"]
    wall = metrics["wall-clock seconds"]
    assert wall >= EARLIER
    scanned = metrics["images scanned"]
    assert scanned == len(images)
    assert metrics["images per second (wall clock)"] == pytest.approx(scanned / wall, rel=1e-3)


def test_the_earlier_seconds_are_the_larger_of_the_recorded_and_the_engines() -> None:
    class Record:
        def __init__(self, summary: dict[str, Any], progress: dict[str, Any]) -> None:
            self.summary, self.progress = summary, progress

    # a session killed after its last record: the engine's seconds are more
    assert (
        earlier_wall_seconds(Record({"metrics": {"wall-clock seconds": 5.0}}, {"elapsed": 9.5}))
        == 9.5
    )
    assert (
        earlier_wall_seconds(Record({"metrics": {"wall-clock seconds": 12.0}}, {"elapsed": 9.5}))
        == 12.0
    )
    assert earlier_wall_seconds(Record({}, {})) == 0.0
    assert earlier_wall_seconds(Record({"metrics": {"wall-clock seconds": True}}, {})) == 0.0
