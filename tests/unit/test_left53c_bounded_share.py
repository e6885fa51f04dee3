"""A bounded share says one answer (hostile53b Left 1): an exact analysis stopped early under
load printed 'share 0.20 % (95 % CI 0.17 % to 0.49 %, 5,000 sampled; exact bounds 0.20 % to
0.20 %)', an interval wider than the proven bounds beside them."""

from __future__ import annotations

from typing import Any

from assay.report.verdict_text import share_text


def _row(**more: Any) -> dict[str, Any]:
    row = {
        "attribute": "sex",
        "basis": "bounded",
        "share_uniform": 0.0020,
        "uniform_low": 0.0017,
        "uniform_high": 0.0049,
        "uniform_sampled": 5000,
        "exact_uniform_low": 0.00199,
        "exact_uniform_high": 0.00201,
    }
    return {**row, **more}


def test_bounds_inside_the_sample_interval_are_the_answer() -> None:
    text = share_text(_row())
    assert "exact bounds 0.20 % to 0.20 %, the answer" in text, text
    # the wider interval is named as the sample's, not the share's range
    assert "95 % CI 0.17 % to 0.49 %, 5,000 sampled; exact" not in text, text
    assert "the wider 95 % CI 0.17 % to 0.49 % is the sample's alone" in text, text


def test_an_interval_crossing_a_bound_is_clipped_to_it() -> None:
    text = share_text(_row(exact_uniform_low=0.0010, exact_uniform_high=0.0030))
    assert "95 % CI 0.17 % to 0.30 %, 5,000 sampled, clipped to the exact bounds" in text, text
    assert "0.49 %" not in text, text


def test_an_interval_inside_the_bounds_is_said_as_before() -> None:
    text = share_text(_row(exact_uniform_low=0.0010, exact_uniform_high=0.0100))
    assert "(95 % CI 0.17 % to 0.49 %, 5,000 sampled; exact bounds 0.10 % to 1.00 %)" in text


def test_the_html_table_says_the_same() -> None:
    from assay.report.html import _environment

    cell = _environment().filters["bounded"](_row())
    assert cell.startswith("exact bounds 0.20 % to 0.20 %, the answer"), cell
