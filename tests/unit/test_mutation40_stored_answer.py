"""mutation40: a resumed fairness run's answer reads the flip check as its first session did
(``fairness.finish.stored_answer``: ``model_steady`` from ``determinism.steady``).

left39 tested ``steady`` and a first run's answer: a resume that finishes the answer taking a
batch-bound (or unchecked) model as steady, and enumerating the domain as exact, passed it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from assay.fairness.finish import stored_answer


@pytest.mark.parametrize(
    ("flip", "steady"),
    [
        ({"deterministic": True, "batch_changed": 0}, True),
        ({"deterministic": True, "batch_changed": 4}, False),
        ({"deterministic": False, "batch_changed": 0}, False),
        ({"deterministic": None, "skipped": "no budget"}, None),
    ],
)
def test_the_stored_flip_check_decides_whether_the_model_is_steady(
    flip: dict[str, Any], steady: bool | None
) -> None:
    record = SimpleNamespace(config={"answer": {}, "budget": {"determinism_flip": flip}})
    options = stored_answer(record, None)  # type: ignore[arg-type]
    assert options is not None and options.model_steady is steady
