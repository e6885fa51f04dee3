"""mutation41: the exact answer's reason for sampling names what the flip check saw: a model
that answered a repeated input otherwise (random) is not said to depend on its batch, and one
whose answers changed only in another batch is (left40).  left40's tests took a batch-bound
model only: with every unsteady model said batch-bound (AN2), a random model's report gave
the wrong cause and every test passed."""

from __future__ import annotations

from typing import Any

import pytest

from assay.fairness.answer import UNSTEADY, UNSTEADY_BATCH, AnswerOptions


@pytest.mark.parametrize(
    ("check", "steady", "reason"),
    [
        ({"deterministic": False, "batch_changed": 0}, False, UNSTEADY),
        ({"deterministic": False, "batch_changed": 3}, False, UNSTEADY),
        ({"deterministic": True, "batch_changed": 4}, False, UNSTEADY_BATCH),
        ({"deterministic": True, "batch_changed": 0}, True, None),
    ],
)
def test_the_reason_said_is_the_one_the_check_saw(
    check: dict[str, Any], steady: bool, reason: str | None
) -> None:
    options = AnswerOptions()
    options.read_check(check)
    assert options.model_steady is steady
    if reason is not None:
        assert options.unsteady == reason
