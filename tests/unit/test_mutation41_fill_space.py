"""mutation41: the walk's query mode fills its rounds with global samples up to a space of
``FILL_SPACE`` (2^20) classes exactly, and not past it (bench40).  bench40's test took a space
of 1,600 classes and one of 4,004,001: with the bound made ``<``, doubled or halved (WA3, WA4,
WA8), or a space of unknown size filled (WA5), every test passed."""

from __future__ import annotations

import pytest

from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.rng import generator
from assay.fairness.encoded import EncodedModel
from assay.fairness.search import make_search
from assay.fairness.search.base import FILL_SPACE

from test_bench40_query_fill import Biased, _run, _schema  # isort: skip


@pytest.mark.parametrize(("high", "filled"), [(1023, True), (1024, False)])
def test_the_query_mode_fills_a_space_of_two_to_the_twenty_classes_not_one_more(
    high: int, filled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ((high + 1) ** 2 <= FILL_SPACE) is filled and FILL_SPACE == 1 << 20
    assert (max(_run(_schema(high), "queries", monkeypatch)) > 0) is filled


def test_a_space_of_unknown_size_is_not_filled_in_the_query_mode() -> None:
    schema = _schema(39)
    model = BudgetedModel(EncodedModel(schema, Biased()), max_queries=100, caller=InlineCaller())
    search = make_search("walk", schema=schema, model=model, rng=generator(1), optimize="queries")
    search.space = None  # type: ignore[attr-defined]
    assert search._fills() is False  # type: ignore[attr-defined]
    search.mode = "time"  # type: ignore[attr-defined]
    assert search._fills() is True  # type: ignore[attr-defined]
