"""mutation38: words a user reads of the thirty-sixth session's code (PH2, SM16, SM17 in
bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest

from assay.errors import BudgetExhausted
from assay.fairness import phases


def test_a_flip_check_cut_before_asking_says_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """PH2: --max-time ran out before the flip check sent anything: "before it" (under the
    mutant "during it: its queries were asked", of none)."""
    model = SimpleNamespace(sent=0)

    @contextmanager
    def deadlined(*_: Any, **__: Any) -> Iterator[Any]:
        yield model

    def cut(*_: Any, **__: Any) -> dict[str, Any]:
        raise BudgetExhausted("out of time", reason="time")

    monkeypatch.setattr(phases, "_deadlined", deadlined)
    monkeypatch.setattr(phases, "_combinations", lambda _setup: 1)
    monkeypatch.setattr(phases, "flip_rate", cut)
    setup: Any = SimpleNamespace(model=model, test=SimpleNamespace(schema=None, data=None))
    check = phases._flip_check(setup, 1, None, 12.0, float("inf"), 100)
    assert check["skipped"] == phases.RAN_OUT_BEFORE


@pytest.mark.parametrize(("left", "said"), [(1, "1 query of"), (3, "3 queries of")])
def test_the_budget_left_before_asking_again_is_counted_in_words(left: int, said: str) -> None:
    """SM17: "1 query", "3 queries" of the budget left."""
    from assay.backdoor.summary import _not_asked_again

    search = SimpleNamespace(phase="again", model=SimpleNamespace(remaining=lambda: left))
    why = _not_asked_again(search)
    assert why is not None and f"({said} its budget left)" in why
    assert _not_asked_again(SimpleNamespace(phase="done")) is None
