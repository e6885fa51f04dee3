"""``core.units._SearchSpan`` piece by piece, and each unit's start kept with its summary
(mutation34: mutants SP1-SP4 and SP7 survived scale33's tests, whose units ran on one
clock, with no unit of unknown start, and whose resumed session followed one of units
one after the other).  A unit's start is read on its worker's clock: a span longer than
the session is cut to it, never shorter than the longest unit; a unit of unknown start
makes the session's span its units' seconds summed; a resumed run adds to the span it
stored, not to its earlier units' seconds summed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_scale33_search_span import StopAfterTwo, _run  # isort: skip

from assay.core.store import RunStore
from assay.core.units import UnitResult, _SearchSpan
from assay.errors import ModelUnavailable


def _result(started: float, seconds: float) -> UnitResult:
    return UnitResult(0, [], {}, {}, None, 1, seconds, started=started)


def test_workers_clocks_apart_are_cut_to_the_session() -> None:
    span = _SearchSpan({}, None)
    span.add(_result(1_000.0, 1.0))
    span.add(_result(5_000.0, 1.0))  # (another worker's clock, 4,000 s ahead)
    assert 1.0 <= span.seconds() < 2.0


def test_a_span_is_never_shorter_than_its_longest_unit() -> None:
    span = _SearchSpan({}, None)
    span.add(_result(1_000.0, 5.0))  # (its worker says 5 s; this session began just now)
    assert span.seconds() == 5.0


def test_a_unit_of_unknown_start_makes_the_span_the_sum() -> None:
    span = _SearchSpan({}, None)
    span.add(_result(0.0, 2.0))
    span.add(_result(1_000.0, 3.0))
    assert span.seconds() == 5.0


def test_a_resumed_run_adds_to_its_stored_span() -> None:
    done = {"0": {"seconds": 2.0}, "1": {"seconds": 2.0}}  # (side by side: a 2 s span)
    assert _SearchSpan(done, 2.0).seconds() == 2.0
    assert _SearchSpan(done, None).seconds() == 4.0  # (a run stored before the span)


def test_each_units_start_is_kept_with_its_summary(tmp_path: Path) -> None:
    """(what the campaign's "seconds to first 100 IDIs" counts from: ``fairness.units``)"""
    store = RunStore(tmp_path / "r.db")
    with pytest.raises(ModelUnavailable):
        _run(store, StopAfterTwo())
    (run,) = store.list_runs()
    snap = store.load_snapshot(run.id)
    assert snap is not None
    starts = [d["summary"]["unit_started"] for d in snap.values["units_done"].values()]
    assert len(starts) == 2 and all(s > 1e9 for s in starts), starts
