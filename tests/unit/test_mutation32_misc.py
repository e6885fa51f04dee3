"""mutation32: small rules merged in the thirtieth session whose mutants their tests let live
(bench/RESULTS.md, mutation32's table): the Dask unit attempts lost with their workers are
this campaign's alone (a scheduler outliving runs keeps other runs' start events); a
fairness units run asks its group metrics in its first unit (index 0), the one every run of
units has; labels by name read as class numbers need some label seen; ``label=`` given what
is no column name (``True``, ``1.5``) is refused naming the argument, never a bare
TypeError."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.errors import UsageError
from assay.execution.dask import STARTS, _lost_attempts
from assay.fairness.loading import _check_label
from assay.fairness.technique import FairnessTest
from assay.models.classes import numbered_classes


class _Events:
    def __init__(self, events: list[tuple[float, Any]] | None) -> None:
        self.events = events

    def get_events(self, topic: str) -> list[tuple[float, Any]]:
        assert topic == STARTS
        if self.events is None:
            raise OSError("scheduler gone")
        return self.events


def test_lost_attempts_are_this_campaign_s_starts_less_its_results() -> None:
    """Mutant D2: every start event counted (an earlier run's on the same scheduler too)."""
    ours = {"assay-unit-0-of-2-7-aa", "assay-unit-1-of-2-7-aa"}
    events = [(0.0, {"key": k}) for k in sorted(ours)]
    events += [(0.0, {"key": "assay-unit-0-of-2-7-bb"}), (0.0, {"key": "assay-unit-1-of-2-7-bb"})]
    events += [(0.0, {"key": "assay-unit-1-of-2-7-aa"}), (0.0, "not a dict")]  # (a retry)
    assert _lost_attempts(_Events(events), ours, ended=2) == 1
    assert _lost_attempts(_Events(events), ours, ended=5) == 0  # (never below 0)
    assert _lost_attempts(_Events(None), ours, ended=0) == 0  # (a scheduler gone: unsaid)


def test_the_group_metrics_are_asked_in_unit_0() -> None:
    """Mutant G3: asked in unit 1, which a run of one unit, or one stopped after its first,
    never runs."""
    test = FairnessTest(schema=None, labels=np.ones(3))  # type: ignore[arg-type]
    first = test.for_unit(SimpleNamespace(index=0))
    assert first.labels is not None and len(first.labels) == 3
    assert test.for_unit(SimpleNamespace(index=1)).labels is None
    assert test.for_unit(SimpleNamespace(index=2)).labels is None


def test_no_label_seen_is_no_numbered_class() -> None:
    """Mutant N7: an answer of no label read as the names '0'..'N-1'."""
    assert numbered_classes([], 10) is None
    assert numbered_classes(["3"], 10) == tuple(str(i) for i in range(10))


@pytest.mark.parametrize("label", [True, 1.5, object()])
def test_a_label_that_is_no_column_name_is_refused_by_name(label: object) -> None:
    """Mutants LB1 (``True`` taken as a column's position 1), LB2 (a value without a length
    asked for one: a bare TypeError)."""
    with pytest.raises(UsageError, match="names a column of the data"):
        _check_label(label)
    for fine in ("outcome", 3, np.int64(2), None):
        _check_label(fine)


def test_max_groups_below_one_is_refused_before_anything_else() -> None:
    """Mutant FA2 (``bound < 0``): ``max_groups=0`` on a result without labelled rows
    answered None, where it is refused as the argument it is."""
    from assay.fairness.result import FairnessResult

    for bad in (0, -3):
        with pytest.raises(UsageError, match="max_groups must be a whole number of at least 1"):
            FairnessResult.group_metrics(SimpleNamespace(setup=None), max_groups=bad)  # type: ignore[arg-type]
