"""A counted share exactly at a sample's interval bound (mutation48): the interval is
closed, so a count at its low or high end is held by it, as ``exact_beside`` says of an
exact share at an interval's end; left47f's tests read counts well inside or outside."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assay.core.display import estimate_text
from assay.fairness.estimate import Estimate
from assay.fairness.exact_beside import relate_estimates
from assay.fairness.retrain import counted_beside

SAMPLE = Estimate.of("data", 493, 8929)


@pytest.mark.parametrize("end", ["low", "high"])
def test_a_count_at_the_intervals_end_is_held(end: str) -> None:
    counted = replace(Estimate.of("data", 2800, 45222, counted=True), share=getattr(SAMPLE, end))
    said = counted_beside(counted, SAMPLE)
    assert said.endswith("and its 95 % interval holds the count."), said
    past = replace(counted, share=getattr(SAMPLE, end) + (-1e-9 if end == "low" else 1e-9))
    assert "misses the count" in counted_beside(past, SAMPLE)


@pytest.mark.parametrize("end", ["low", "high"])
def test_an_exact_share_at_the_intervals_end_is_inside(end: str) -> None:
    e = SAMPLE.to_json()
    share = float(e[end])
    row = {
        "attribute": "sex", "basis": "exact", "share_data": share,
        "exact_data_low": share, "exact_data_high": share,
    }  # fmt: skip
    summary = {
        "headline": f"5 found; {estimate_text(e)}; in all",
        "estimates": [e],
        "verdict": [row],
    }
    relate_estimates(summary)
    assert "inside this interval)" in summary["headline"], summary["headline"]


def test_a_counted_run_estimate_is_not_called_a_random_sample() -> None:
    from assay.fairness.retrain import _before_versus_headline

    before = Estimate.of("data", 2800, 45222, counted=True)
    run = Estimate.of("data", 2700, 45222, counted=True).to_json()  # (another count)
    said = _before_versus_headline([run], before)
    assert "random sample of" not in said, said
    assert "differs from the run's estimate" in said, said
