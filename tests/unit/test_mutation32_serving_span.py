"""mutation32: requests per wall-clock second of a served model (serve31) against the mutants
its tests let live (bench/RESULTS.md, mutation32's table): serve31's tests bound the span
from above only, so a span cut short (the latest start, the earliest answer) read as a faster
model and passed; and a copy's counts since a mark start at the mark, not at the copy's first
call (a Dask worker's model asked in an earlier unit)."""

from __future__ import annotations

from assay.models.http import ServingStats


def test_the_span_runs_from_the_earliest_call_to_the_latest_answer() -> None:
    """Mutants V1 (the latest start kept), V2 (the earliest answer kept)."""
    stats = ServingStats()
    stats.called(10.0, 11.0)
    stats.called(12.0, 13.0)
    stats.called(10.5, 12.5)  # (a copy asking at once)
    stats.answered = 6
    assert (stats.first, stats.last) == (10.0, 13.0)
    assert stats.span() == 3.0
    got = stats.to_json()
    assert got["wall_seconds"] == 3.0 and got["requests_per_second"] == 2.0


def test_counts_since_a_mark_span_from_the_mark() -> None:
    """A worker's model asked in an earlier unit (100 s before): the unit's counts since its
    mark span from the mark, so the client's span is not stretched back to that call
    (mutant V3: from the copy's first call; its rate read 50 times lower)."""
    copy = ServingStats()
    copy.called(1000.0, 1001.0)
    copy.status_counts["200"] = 1
    mark = {**copy.mark(), "at": 1100.0}
    copy.called(1100.5, 1102.0)
    copy.answered += 1
    copy.status_counts["200"] += 1
    copy.latencies.append(1.5)
    counts = copy.since(mark)
    assert counts["span"] == [1100.0, 1102.0]
    client = ServingStats()
    client.add(counts)
    assert client.span() == 2.0
