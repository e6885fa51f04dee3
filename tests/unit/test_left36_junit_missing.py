"""A value meaning "missing" (``--missing value``) reads in a JUnit case's name and message as
the terminal and the HTML write it, ``(missing)`` (fair36's Left 6): JUnit wrote its code
(``income=10`` for a continuous feature of [0, 9], ``4`` for an integer one of [0, 3]), and a
categorical feature's code, one past its categories, raised inside and the case was named by
the hash alone.  The rule is read off the stored schema (``core.missing_code``: the reports
import no technique), the same rule ``Feature.is_missing`` applies."""

from __future__ import annotations

from typing import Any

import pytest

from assay.core.missing_code import MISSING_LABEL, stored_missing
from assay.fairness.schema import Feature
from assay.report.junit_cases import fairness_case, fairness_key

FEATURES = [
    Feature("sex", "categorical", categories=("F", "M")),
    Feature("income", "continuous", low=0.0, high=9.0, missing=True),
    Feature("kids", "integer", low=0, high=3, missing=True),
    Feature("city", "categorical", categories=("Köln", "Lyon"), missing=True),
]
RUN = {"config": {"schema": {"features": [f.to_json() for f in FEATURES]}}}


def _idi(row: list[float]) -> dict[str, Any]:
    return {
        "kind": "fairness.idi",
        "inputs": [[0.0, *row], [1.0, *row]],
        "outputs": [0, 1],
    }


def test_a_missing_value_reads_as_the_terminal_writes_it() -> None:
    missing = [f.missing_code for f in FEATURES[1:]]
    assert missing == [10.0, 4.0, 2.0]
    said = fairness_case(_idi(missing), RUN)  # type: ignore[arg-type]
    assert said == "income=(missing), kids=(missing), city=(missing): sex=F -> 0, sex=M -> 1"
    key = fairness_key(_idi(missing), RUN)  # type: ignore[arg-type]
    assert key is not None
    assert key.startswith("sex=F / sex=M; income=(missing), kids=(missing), city=(missing) [")
    # as the terminal and the HTML write it (``Feature.label``)
    assert {FEATURES[k].label(missing[k - 1]) for k in (1, 2, 3)} == {MISSING_LABEL}
    known = fairness_case(_idi([9.0, 3.0, 1.0]), RUN)
    assert known == "income=9, kids=3, city=Lyon: sex=F -> 0, sex=M -> 1"


@pytest.mark.parametrize("feature", FEATURES)
def test_the_stored_reader_and_the_feature_agree(feature: Feature) -> None:
    top = feature.encoded_high
    for code in (feature.encoded_low, feature.known_high, (feature.known_high + top) / 2, top):
        assert stored_missing(feature.to_json(), code) == feature.is_missing(code), code
