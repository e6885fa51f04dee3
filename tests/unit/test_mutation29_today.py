"""mutation29: what today's code promises that its tests let a careless edit undo (each test
kills a hand-made mutant): ``quiet`` silences its category only; a probe call that failed
keeps its place when the answers are replayed, through ``probe_call`` itself; and a table that
converts to something other than a DataFrame is not taken for one."""

from __future__ import annotations

import warnings
from typing import Any

import pandas as pd
import pytest


def test_quiet_silences_only_the_category_it_names() -> None:
    from assay.core.quiet import quiet

    def warn(category: type[Warning]) -> None:
        warnings.warn_explicit("m29", category, "toy.py", 1, module="assaytoy.part")

    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        with quiet(r"assaytoy\b", DeprecationWarning):
            warn(DeprecationWarning)
            warn(UserWarning)
    assert [w.category for w in got] == [UserWarning]


def test_a_failed_probe_call_is_asked_again_when_replayed_and_the_next_answered() -> None:
    """An adapter trying a second form after its first call failed (``callable`` does for a
    function written for DataFrames): replayed, the first form is asked again and fails
    again, and the second is answered from the kept answer without being asked."""
    from assay.errors import ModelError
    from assay.models.callable import probe_call
    from assay.models.probe_answers import recording, replaying

    probe = ["a sentence", "another"]
    asked: list[str] = []

    def first_form(x: Any) -> Any:
        asked.append("first")
        raise TypeError("wants a DataFrame")

    def second_form(x: Any) -> Any:
        asked.append("second")
        return ["pos", "neg"]

    def session() -> Any:
        with pytest.raises(ModelError):
            probe_call(first_form, probe, what="f", timeout=None)
        return probe_call(second_form, probe, what="f", timeout=None)

    with recording() as stored:
        assert session() == ["pos", "neg"]
    assert asked == ["first", "second"]
    asked.clear()
    with replaying(stored):
        assert session() == ["pos", "neg"]
    assert asked == ["first"]


def test_a_table_converting_to_a_series_is_not_taken_for_a_frame() -> None:
    from assay.fairness.loading import _as_frame

    class Column:
        def to_pandas(self) -> Any:
            return pd.Series([1, 2, 3], name="age")

    assert _as_frame(Column()) is None
