"""``assay.report.dumps_document`` (public) writes strict JSON (mutation24): a NaN or an
infinity is refused, in a plain value or in an array of numbers written on one line, rather
than written as ``NaN`` that strict readers (JavaScript's JSON.parse, jq) reject."""

from __future__ import annotations

import json

import pytest

from assay.report import dumps_document


@pytest.mark.parametrize(
    "doc",
    [{"share": float("nan")}, {"box": [0.0, float("inf")]}, {"rows": [[1.0], [float("nan")]]}],
)
def test_a_number_strict_json_has_not_is_refused(doc: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dumps_document(doc)


def test_finite_numbers_are_written_and_read_back() -> None:
    doc = {"box": [0.5, 1e-13, -2], "rows": [[1, 2], [3, 4]], "name": "x"}
    assert json.loads(dumps_document(doc)) == doc
