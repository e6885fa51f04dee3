"""strat34: while exploring's material is drawn shorter (errors common), a walker restarting
in the error region is given its mode then and keeps it until it restarts again, and it
restarts where that mode pays: an exploring walker at a minimal error (drawing short
material), a harvesting one at a recent failing case.  On main the mode was drawn anew
each round for every walker, and a walker restarted where the best mode pays: once
harvesting was worth more, the walkers that explored (a tenth) sat at long failing cases
drawn for harvesting, exploring was measured there and worth little, and the walk never
explored again (VADER against TextBlob, seed 8, 20,000 queries: harvesting from 10,000
queries on, 50 new minimal errors per 1,000 queries after it, 5,187 in all; now 6,942)."""

from __future__ import annotations

from typing import Any

import pytest
from test_strat32_measured_first import _engine as _strat32_engine

from assay.text.walk import WalkStrategy


def _restart_all(engine: Any, best: int) -> tuple[WalkStrategy, list[Any]]:
    """Step twice (errors common: exploring's material drawn shorter), make harvesting
    (``best`` 1) or exploring (0) worth more, restart every walker, propose a round."""
    engine.step()
    engine.step()
    walk = engine.strategy
    assert walk._explore_brevity() >= 2.0 * walk.brevity  # measured: errors common
    walk.worth[best] = (100.0, 100.0, 100.0)
    walk.worth[1 - best] = (100.0, 0.0, 0.0)
    assert walk._best_mode() == best
    walk.stuck = [walk.patience] * walk.n_walkers
    out = walk.propose(engine, 10_000)
    return walk, out


@pytest.mark.parametrize("best", [0, 1])
def test_a_restarting_walker_keeps_the_mode_it_restarts_in_and_starts_where_it_pays(
    monkeypatch: pytest.MonkeyPatch, best: int
) -> None:
    engine = _strat32_engine(4.0, "flipped_words", monkeypatch)
    walk, _ = _restart_all(engine, best)
    minimal = {engine.key(c) for c in walk.minimal}
    pool = {engine.key(c) for c in walk.pool}
    region = [w for w in range(walk.n_walkers) if walk.errs[w]]
    assert len(region) >= 30
    exploring = [w for w in region if walk.mode[w] == 0]
    harvesting = [w for w in region if walk.mode[w] == 1]
    # mostly the best mode, the other one a tenth of the time: both measured where they pay
    assert len(exploring if best == 0 else harvesting) >= 0.7 * len(region)
    assert exploring and harvesting
    assert all(engine.key(walk.walkers[w]) in minimal for w in exploring)
    assert all(engine.key(walk.walkers[w]) in pool for w in harvesting)
    assert all(walk.chosen[w] for w in region)
    # the mode is kept in the rounds that follow, whatever is worth more then
    modes = {w: walk.mode[w] for w in region}
    walk.worth[[0, 1]] = walk.worth[[1, 0]]
    walk.stuck = [0] * walk.n_walkers
    walk.propose(engine, 10_000)
    assert {w: walk.mode[w] for w in region if walk.chosen[w]} == {
        w: m for w, m in modes.items() if walk.chosen[w]
    }


@pytest.mark.pure_text
def test_exploring_walkers_draw_shorter_material_while_harvesting_is_worth_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Harvesting worth more: the walkers given exploring restart at minimal errors and
    re-derive subtrees with exploring's short material, as when exploring is worth more (on
    main they explored from harvesting's failing cases with the longer material)."""
    engine = _strat32_engine(4.0, "flipped_words", monkeypatch)
    seen: list[Any] = []
    walk = engine.strategy
    original = walk._restructure

    def spy(engine: Any, case: Any, bias: Any, **kwargs: Any) -> Any:
        seen.append((case, bias))
        return original(engine, case, bias, **kwargs)

    monkeypatch.setattr(walk, "_restructure", spy)
    walk, _ = _restart_all(engine, 1)
    seen.clear()
    walk.propose(engine, 10_000)  # (a walker proposes from the round after it restarts)
    region = [w for w in range(walk.n_walkers) if walk.errs[w]]
    exploring = {id(walk.walkers[w]) for w in region if not walk.mode[w]}
    assert exploring
    fresh = walk._short * walk._steer(engine)
    shorter = [b for c, b in seen if id(c) in exploring]
    assert shorter
    assert all(float((b / fresh).max()) <= 1.0 + 1e-9 for b in shorter)
    assert any(float((b / fresh).min()) < 0.5 for b in shorter)


def test_a_restart_before_exploring_draws_shorter_is_as_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Errors rare (the exponent never doubled yet): walkers are given their mode each
    round, as on main (nothing is chosen at a restart)."""
    engine = _strat32_engine(4.0, "negation_blind", monkeypatch)
    walk = engine.strategy
    engine.step()
    engine.step()
    assert walk._explore_brevity() < 2.0 * walk.brevity
    assert not any(walk.chosen)


def test_the_chosen_modes_survive_a_checkpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _strat32_engine(4.0, "flipped_words", monkeypatch)
    walk, _ = _restart_all(engine, 0)
    again = WalkStrategy(screen=3, shorter=4.0)
    again.load(walk.state())
    assert again.chosen == walk.chosen
    assert again.mode == walk.mode


def test_a_walker_of_the_mode_worth_less_restarts_after_patience_rounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The walkers given the mode worth less (a tenth: to measure it) keep it ``patience``
    rounds, then restart; those of the mode worth more stay while they progress (a
    harvesting walker nearly always progresses: without the limit the walkers harvesting
    accrued with every restart, whatever was worth more)."""
    engine = _strat32_engine(4.0, "flipped_words", monkeypatch)
    walk, _ = _restart_all(engine, 0)
    region = [w for w in range(walk.n_walkers) if walk.errs[w]]
    fewer = [w for w in region if walk.mode[w] == 1]
    more = [w for w in region if walk.mode[w] == 0]
    assert fewer and more
    for _ in range(walk.patience + 1):
        walk.stuck = [0] * walk.n_walkers  # (every walker progresses)
        walk.propose(engine, 10_000)
    assert all(walk.since[w] == 0 for w in fewer)  # restarted, a mode chosen again
    assert all(walk.since[w] == walk.patience + 1 for w in more)
    assert all(walk.mode[w] == 0 for w in more)
