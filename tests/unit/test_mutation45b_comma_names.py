"""``--protected`` names holding commas (``fairness.bins.parse_protected``) at the edges
mutation45b ran: a column whose name is another's first parts (the longest run that names
a column is one name, BI3b: shortest first read ``"a,b,c"`` as ``a,b`` and ``c``), and an
empty part of a trailing comma (BI6: kept as a protected name ``''``)."""

from __future__ import annotations

from assay.fairness.bins import parse_protected


def test_the_longest_run_naming_a_column_is_one_name() -> None:
    columns = ["Region (N,S)", "Region (N,S),Stadt", "race"]
    names, bins = parse_protected("Region (N,S),Stadt,race", columns)
    assert names == ("Region (N,S),Stadt", "race") and bins == {}
    names, _ = parse_protected("Region (N,S),race", columns)
    assert names == ("Region (N,S)", "race")


def test_an_empty_part_names_nothing() -> None:
    assert parse_protected("sex,", ["sex", "age"])[0] == ("sex",)
    assert parse_protected("sex,,age", ["sex", "age"])[0] == ("sex", "age")
