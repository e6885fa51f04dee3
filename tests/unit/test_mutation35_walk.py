"""mutation35: strat34's chosen modes, where a walker restarts outside the error region.

strat34's tests restart every walker once and look at those restarting in the error region.
A walker chosen before and restarting outside it (a fresh draw, a tenth of the restarts)
kept ``chosen`` with the mode was not reset: its mode was never drawn again when it reached
the error region (the one it held before, whatever was worth more then), and the mode worth
less's patience still counted for it.
"""

from __future__ import annotations

import pytest
from test_strat32_measured_first import _engine as _strat32_engine
from test_strat34_chosen_mode import _restart_all


def test_a_walker_restarting_outside_the_error_region_has_no_chosen_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = _strat32_engine(4.0, "flipped_words", monkeypatch)
    walk, _ = _restart_all(engine, 0)
    assert sum(walk.chosen) >= 30
    outside = 0
    for _ in range(4):
        walk.stuck = [walk.patience] * walk.n_walkers  # every walker restarts
        walk.propose(engine, 10_000)
        fresh = [w for w in range(walk.n_walkers) if not walk.errs[w]]
        outside += len(fresh)
        assert not any(walk.chosen[w] for w in fresh)
        assert all(walk.chosen[w] for w in range(walk.n_walkers) if walk.errs[w])
    assert outside, "no walker restarted outside the error region"


def test_walkers_restarting_in_the_error_region_with_the_gate_shut_choose_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A walk that never draws exploring's material shorter (``shorter`` 0; and any walk
    before the gate opens): a walker restarting in the error region is given its mode each
    round, as before strat34 (strat34's own test stepped twice, errors rare: no walker had
    restarted there, nothing could have been chosen yet)."""
    engine = _strat32_engine(0.0, "flipped_words", monkeypatch)
    walk = engine.strategy
    for _ in range(4):
        engine.step()
    assert walk.pool, "no failing case to restart at"
    walk.stuck = [walk.patience] * walk.n_walkers  # every walker restarts
    walk.propose(engine, 10_000)
    assert any(walk.errs), "no walker restarted in the error region"
    assert not any(walk.chosen)
