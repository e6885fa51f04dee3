"""mutation40: ``execution.dask_deaths.deaths`` asks the scheduler nothing for no unit, reads
an answer that is not a mapping as none, and the model's failure names every unit whose
workers died.

lead39's tests asked with units, a scheduler that answered a dict or raised, and one unit with
deaths: asking with none, an answer of another type read (an ``AttributeError`` out of the
watch, neither the cluster's error nor the model's), and the other units left unnamed passed
them."""

from __future__ import annotations

from typing import Any

import pytest

from assay.errors import ModelError
from assay.execution.dask_deaths import deaths


class _Client:
    def __init__(self, answer: Any = None) -> None:
        self.asked = 0
        self.answer = {} if answer is None else answer

    def run_on_scheduler(self, fn: Any) -> Any:
        self.asked += 1
        return self.answer


def test_no_unit_asks_the_scheduler_nothing() -> None:
    client = _Client()
    assert deaths(client, {}) == {}
    assert client.asked == 0
    assert deaths(client, {0: "k"}) == {} and client.asked == 1


def test_an_answer_that_is_not_a_mapping_is_no_answer() -> None:
    assert deaths(_Client(["assay-unit-1"]), {0: "assay-unit-1"}) == {}


def test_the_model_s_failure_names_the_other_units_whose_workers_died(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from test_lead39_dask_deaths import _check_twice, _watch
    from test_lead39_dask_deaths import _Client as Scheduler

    watch = _watch(monkeypatch, Scheduler({"assay-unit-1": 2, "assay-unit-3": 1}))
    with pytest.raises(ModelError, match=r"died 2 times \(and under units 4\)"):
        _check_twice(watch)
