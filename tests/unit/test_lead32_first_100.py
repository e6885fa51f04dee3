"""A fairness campaign's "seconds to first 100 IDIs" was the fastest unit's own figure,
counted from that unit's own start: 0.089 s on a run whose first unit began about 15 s in
(scale33's Left 1: a figure that flatters).  Now it is the earliest a unit reached 100,
counted from the campaign's first start (units without a start: one after the other)."""

from __future__ import annotations

from typing import Any

from assay.fairness.units import _first_100


def _unit(started: float, first: float | None, seconds: float) -> dict[str, Any]:
    return {
        "unit_started": started,
        "search": {"seconds_to_first_100": first, "seconds": seconds},
    }


def test_a_late_units_quick_hundred_counts_from_the_campaigns_start() -> None:
    late = [_unit(1000.0, 5.0, 20.0), _unit(1015.0, 0.089, 3.0)]
    assert _first_100(late) == 5.0  # (main: 0.089)
    early_fast = [_unit(1000.0, 5.0, 20.0), _unit(1001.0, 0.5, 3.0)]
    assert _first_100(early_fast) == 1.5


def test_units_that_do_not_say_when_they_began_are_taken_one_after_the_other() -> None:
    unknown = [_unit(0.0, None, 12.0), _unit(0.0, 2.0, 4.0)]
    assert _first_100(unknown) == 14.0


def test_one_unit_keeps_its_figure_and_none_reached_is_none() -> None:
    assert _first_100([_unit(1000.0, 3.25, 10.0)]) == 3.25
    assert _first_100([_unit(1000.0, None, 10.0), _unit(1001.0, None, 10.0)]) is None
