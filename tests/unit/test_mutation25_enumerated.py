"""mutation25: a small domain enumerated input by input, where the twenty-fourth session's
tests did not reach: an attribute of three values whose middle one alone changes the class
(an input is an IDI when any two of its variants differ, not only its first and last), and
an enumeration beside a run that made no determinism check says so."""

from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np
import pytest

from assay.fairness.exact.enumerated import enumerate_share
from assay.fairness.exact_direction import enumerated_direction
from assay.fairness.schema import Feature, Schema

S = Schema((Feature("a", "integer", 0, 9), Feature("s", "integer", 0, 2)), protected=("s",))


def _middle(rows: np.ndarray) -> np.ndarray:
    """Class 1 where s = 1 and a >= 5: the middle value alone is favoured."""
    return ((rows[:, 1] == 1) & (rows[:, 0] >= 5)).astype(np.int64)


def test_the_middle_value_alone_changing_the_class_makes_an_idi() -> None:
    ex = enumerate_share(S, _middle, "s", data=None, deadline=time.monotonic() + 30, source="m")
    assert not isinstance(ex, str)
    assert ex.uniform == (0.5, 0.5) and ex.certificate is None
    assert ex.idi_rows is not None and sorted(ex.idi_rows[:, 0].tolist()) == [5, 6, 7, 8, 9]
    got = enumerated_direction(S, "s", ex, 1, None)
    assert got is not None
    by = {d["value"]: (d["idis"], d["favoured_count"]) for d in got[0]}
    assert by == {"0": (5, 0), "1": (5, 5), "2": (5, 0)}


def test_an_enumeration_without_a_determinism_check_says_it_was_not_checked() -> None:
    def said(checked: bool) -> str:
        ex = enumerate_share(
            S, _middle, "s", data=None, deadline=time.monotonic() + 30, source="m",
            checked=checked,
        )  # fmt: skip
        assert not isinstance(ex, str)
        return " ".join(ex.assumptions)

    assert "not checked: the run's determinism check was not made" in said(False)
    assert "the run checks that it answers a repeated input alike" in said(True)
    assert "not checked" not in said(True)


def test_data_rows_given_up_at_the_deadline_cut_the_figures_by_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The domain enumerated on time, then the clock jumps an hour: the data rows (off the
    domain's grid, so asked of their own) are given up, and the result says a clock decided
    it (the rerun caveat reads ``cut_by_time``)."""
    import assay.fairness.exact.enumerated as enumerated_module

    jumped = [0.0]

    def classes(rows: np.ndarray) -> np.ndarray:
        out = _middle(rows)
        jumped[0] = 3600.0  # (after the domain's one block)
        return out

    monkeypatch.setattr(
        enumerated_module,
        "time",
        SimpleNamespace(monotonic=lambda: time.monotonic() + jumped[0]),
    )
    rows = np.array([[12.0, 0.0], [3.0, 1.0]])  # a = 12: not an input of the domain
    ex = enumerate_share(S, classes, "s", data=rows, deadline=time.monotonic() + 60, source="m")
    assert not isinstance(ex, str)
    assert ex.data is None and ex.cut_by_time
    assert any("not enumerated in time" in a for a in ex.assumptions)
    jumped[0] = 0.0
    on_time = enumerate_share(
        S, _middle, "s", data=rows, deadline=time.monotonic() + 60, source="m"
    )
    assert not isinstance(on_time, str) and on_time.data is not None and not on_time.cut_by_time


def test_data_rows_that_cannot_be_asked_in_time_are_not_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A model taking 10 ms a query (a clock that moves with the queries): the domain's 30
    queries take 0.3 s, the 1,000 data rows' 3,000 would take 30 s of the 10 s left, so at
    the domain's pace they are given up before any is asked (not asked until the deadline)."""
    import assay.fairness.exact.enumerated as enumerated_module

    clock = [0.0]
    asked = [0]

    def classes(rows: np.ndarray) -> np.ndarray:
        asked[0] += len(rows)
        clock[0] += 0.01 * len(rows)
        return _middle(rows)

    monkeypatch.setattr(enumerated_module, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    rows = np.column_stack([np.full(1000, 12.0), np.zeros(1000)])  # off the domain's grid
    ex = enumerate_share(S, classes, "s", data=rows, deadline=10.0, source="m")
    assert not isinstance(ex, str)
    assert asked[0] == 30 and ex.data is None and ex.cut_by_time


def test_data_rows_whose_favoured_are_not_counted_keep_their_full_sample() -> None:
    """Beside an enumeration that asked the model, the data rows' sample is cut to a check
    only when who is favoured among them was counted too (``data_exact``); rows asked of
    their own have an exact share but no counted direction, so they are still sampled."""
    from assay.fairness.exact_direction import ENUMERATED_CHECK, answer_samples

    rows = np.array([[12.0, 0.0], [3.0, 1.0]])
    ex = enumerate_share(S, _middle, "s", data=rows, deadline=time.monotonic() + 30, source="m")
    assert not isinstance(ex, str) and ex.data is not None
    assert answer_samples(ex, 4_000, 300, False) == (ENUMERATED_CHECK, 300)
    assert answer_samples(ex, 4_000, 300, True) == (ENUMERATED_CHECK, ENUMERATED_CHECK)
