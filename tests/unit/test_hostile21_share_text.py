"""hostile21: the share over the data rows says it was sampled, and how many rows were drawn,
as the input space's share does (a reader took "63.47 % of the data rows" of a 30,000-row
file for a count over every row: 750 were drawn)."""

from __future__ import annotations

from assay.report.verdict_text import share_text


def test_a_sampled_data_share_says_how_many_rows_were_drawn() -> None:
    row = {
        "attribute": "sex",
        "basis": "sampled",
        "share_uniform": 0.608,
        "uniform_low": 0.5726,
        "uniform_high": 0.6423,
        "uniform_sampled": 750,
        "share_data": 0.6347,
        "data_low": 0.5996,
        "data_high": 0.6684,
        "data_sampled": 750,
    }
    text = share_text(row)
    assert text.endswith("63.47 % of the data rows (95 % CI 59.96 % to 66.84 %, 750 sampled)")
    assert share_text({**row, "data_sampled": None}).endswith("66.84 %)")  # older reports
