"""mutation40: the queries said before a served model is asked (``fairness.phases
.asked_beyond_search``) cover the flip check's third round.

hostile39b made the flip check ask its rows up to three times and sized it so
(``check_sizes``); the bound said beside ``--max-queries`` counting two rounds passed its
tests (a batch-bound model asks the third)."""

from __future__ import annotations

from types import SimpleNamespace

from assay.fairness.determinism import REPEATS, check_sizes
from assay.fairness.phases import asked_beyond_search
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    (Feature("x", "integer", 0, 50), Feature("sex", "integer", 0, 1)), protected=("sex",)
)


def test_the_determinism_checks_bound_counts_three_rounds_of_the_flip_check() -> None:
    setup = SimpleNamespace(test=SimpleNamespace(schema=SCHEMA, data=None))
    flips, confirmed = check_sizes(6000, 2)
    assert flips == 100  # (a twentieth of 6,000 over three rounds)
    _, checks = asked_beyond_search(setup, 20_000, 6000, True)  # type: ignore[arg-type]
    assert checks == 3 * flips + REPEATS * 2 * confirmed
    assert asked_beyond_search(setup, 20_000, 6000, False)[1] == 0  # type: ignore[arg-type]
