"""hostile41f: a category holding a comma (``Ost, Mitte``) read as two values in the
command line's example (``e.g. région Ost, Mitte, edu uni``) and in a JUnit case's name
(``région=Ost, Mitte, edu=uni``); such a value is now quoted, others shown as they were."""

from __future__ import annotations

from assay.cli.answer_lines import _values
from assay.report.junit_cases import _named


def test_a_value_with_a_comma_is_quoted_in_the_example_line() -> None:
    row = {"région": "Ost, Mitte", "edu": "uni", "age": 20, "note": " x", "empty": ""}
    assert _values(row, set()) == "région 'Ost, Mitte', edu uni, age 20, note ' x', empty ''"


def test_a_value_with_a_comma_is_quoted_in_a_junit_case_name() -> None:
    features = [{"name": "région"}, {"name": "edu"}, {"name": "ratio"}]
    row = ["Ost, Mitte", "uni", "a=b"]
    assert [_named(features, k, row) for k in range(3)] == [
        "région='Ost, Mitte'",
        "edu=uni",
        "ratio='a=b'",
    ]
