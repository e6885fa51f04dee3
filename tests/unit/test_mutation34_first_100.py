"""A campaign's "seconds to first 100 IDIs" when some of its units say when they began and
some do not (a run resumed from one stored before units said it): all are taken one after
the other, never offsets from a start of 0 (mutation34: mutant F1a, any start taken as
all, survived)."""

from __future__ import annotations

from typing import Any

from assay.fairness.units import _first_100


def _unit(started: float, first: float | None, seconds: float) -> dict[str, Any]:
    return {"unit_started": started, "search": {"seconds_to_first_100": first, "seconds": seconds}}


def test_units_of_which_one_does_not_say_its_start_are_one_after_the_other() -> None:
    mixed = [_unit(1_700_000_000.0, 5.0, 12.0), _unit(0.0, 1.0, 4.0)]
    assert _first_100(mixed) == 5.0  # (12 s + 1 s for the second: later)
