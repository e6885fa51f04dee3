"""How many rows the fairness answer samples under a query budget, and what that costs.

The answer asks each of its rows once with every value of each protected attribute, from
each source (uniform inputs, and data rows when given).  Its rows per source follow the
search's budget (``--max-queries`` in all) and never fall below ``LEAST_ROWS`` (an interval
worth reading) while those cost at most ``max(--max-queries, LEAST_QUERIES)``: the stated
bound of the answer's samples.  A protected attribute of many values (thousands of cities)
would otherwise have the floor ask millions of queries whatever ``--max-queries``; there
the rows are cut to fit the bound (at least one) and a note says so, with the budget that
gives the floor back.  Runs of up to 20 values in all beside data rows (40 without: the
ordinary ones) never reach the bound: their rows are as before.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LEAST_QUERIES", "LEAST_ROWS", "answer_rows", "values_asked"]

LEAST_ROWS = 500
"""Rows per source the answer keeps however small the query budget, within its bound."""

LEAST_QUERIES = 20_000
"""The answer's samples may always ask this many queries, however small ``--max-queries``
(500 rows of each of two sources with each of 20 values)."""


def values_asked(schema: Any) -> int:
    """The variants of each of the answer's rows: the protected attributes' values, summed
    (each attribute is answered on its own)."""
    return sum(int(schema.feature(p).n_values or 1) for p in schema.protected)


def answer_rows(
    schema: Any, has_data: bool, samples: int, max_queries: int
) -> tuple[int, str | None]:
    """The answer's rows per source under ``max_queries`` (at most ``samples``), and the note
    saying that the bound cut them below ``LEAST_ROWS`` (None when it did not)."""
    k = values_asked(schema)
    sources = 2 if has_data else 1
    a_row = max(1, k * sources)
    per = max_queries // a_row
    bound = max(max_queries, LEAST_QUERIES)
    floor = min(LEAST_ROWS, max(1, bound // a_row))
    rows = min(samples, max(floor, per))
    if rows >= min(samples, LEAST_ROWS):
        return rows, None
    names = ", ".join(schema.protected)
    note = (
        f"the answer asks each of its rows with each of the {k:,} values of {names} "
        f"({a_row:,} queries a row{' of its two sources' if sources == 2 else ''}); its "
        f"samples are bounded by --max-queries {max_queries:,} (or {LEAST_QUERIES:,} queries "
        f"when that is more), so it samples {rows:,} row{'s' if rows != 1 else ''} per source "
        f"(not {min(samples, LEAST_ROWS):,}) and its intervals are wider; --max-queries "
        f"{min(samples, LEAST_ROWS) * a_row:,} gives it {min(samples, LEAST_ROWS):,}"
    )
    return rows, note
