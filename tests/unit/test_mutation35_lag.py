"""mutation35: the lagged walk's plumbing that lanes34's tests left open.

A resumed run lags as the run did, whatever ``$ASSAY_TEXT_LAG`` says now (read from the
environment instead, a resume of a lag-4 run went on with another schedule: other findings
than the uninterrupted run's); the rerun command sets the variable for every lag but 1 (2
included); and the parts a lagged step drafts ahead are sized by the round alone, never by
the classifiers' measured cost per call (timing: the findings would move with the machine's
load).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.text.lag import LAG_ENV
from assay.text.pipeline import WORKER_ENV

from test_lanes34_lag import _engine  # isort: skip
from test_text_pipeline import _run  # isort: skip


@pytest.fixture(autouse=True)
def _thawed() -> Any:
    """As test_lanes34_lag: engines stepped by hand end as a run does."""
    yield
    from assay.text.engine import thaw

    thaw()


def test_every_lag_but_one_goes_to_the_rerun_command() -> None:
    from assay.text.phases import text_environment

    for rounds in (2, 3, 16):
        assert text_environment({"rounds": rounds}, {}, checks=False) == {LAG_ENV: str(rounds)}
    assert LAG_ENV not in text_environment({"rounds": 1}, {}, checks=False)


def test_a_resumed_run_lags_as_it_did_whatever_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.core.store import RunStore
    from assay.text.prepare import setup_from_record

    monkeypatch.delenv(LAG_ENV, raising=False)
    monkeypatch.setenv(WORKER_ENV, "inline")
    r = _run(tmp_path, "lagged", max_queries=300, seed=2, opt={"rounds": 4})
    store = RunStore(r.store)
    record = store.get_run(r.run_id)
    store.close()
    for env in (None, "6"):
        if env is None:
            monkeypatch.delenv(LAG_ENV, raising=False)
        else:
            monkeypatch.setenv(LAG_ENV, env)
        setup = setup_from_record(record, resumed=True)
        assert setup.test.rounds == 4


def test_parts_drafted_in_a_lagged_step_are_not_sized_by_the_classifiers_timing() -> None:
    from assay.text.dispatch import AHEAD, AHEAD_SHARE

    engine = _engine(4)

    class Measured:  # the classifiers' cost per call, as measured (timing)
        def fitted(self) -> tuple[float, float]:
            return (0.0001, 1.0)

    engine.model.model.call_cost = Measured()
    planned = 256
    by_round = max(AHEAD, int(planned * AHEAD_SHARE))
    assert engine._part_size(planned) < by_round  # (unlagged: sized by the cost)
    engine._lag = object()  # (a lagged step's drafting)
    try:
        assert engine._part_size(planned) == by_round
    finally:
        engine._lag = None


def test_parts_drafted_in_a_lagged_step_are_readable_by_the_shrinking() -> None:
    """A part the drafting sends ahead is in ``_pending`` (the sentences sent and not yet
    answered, shared by both sides): the shrinking asking one of those sentences meanwhile
    reads its answer from that call, never asks it again (counted twice, budget spent)."""
    engine = _engine(4)
    engine.step()

    class Drafting:  # (``Lag`` as the drafting side sees it: its schedule aside)
        def drafted(self) -> None:
            pass

        def give(self) -> None:
            pass

    engine._lag = Drafting()
    try:
        cases = engine.propose_round()  # (some 45 cases: under a part of a lagged round)
        engine._ahead_part = None
        engine.send_ahead(cases, 0)  # the smallest part (``AHEAD``)
        assert cases and engine._sent, "nothing was sent ahead"
        assert set(engine._sent) <= set(engine._pending)
    finally:
        engine._lag = None
    engine.judge_round(cases)  # (every part read: nothing left in flight)
    assert not engine._pending


def test_rounds_given_in_python_are_bounded_as_the_environments() -> None:
    from test_lanes34_lag import FAKES

    from assay.errors import UsageError
    from assay.text.api import setup_text

    for bad in (0, 17, 64):
        with pytest.raises(UsageError, match="1 to 16") as err:
            setup_text(
                [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"],
                grammar="builtin:reviews",
                rounds=bad,
            )
        assert err.value.argument == "rounds"


@pytest.mark.parametrize("strategy", ["random", "ogma"])
def test_strategies_other_than_the_walks_are_never_lagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy: str
) -> None:
    """The lag is the walks' (their ``observe`` reads the round's answers alone): another
    strategy given rounds finds what it finds without them, seed for seed."""
    from test_text_pipeline import _rows

    monkeypatch.setenv(WORKER_ENV, "inline")
    got = [
        _rows(
            _run(
                tmp_path,
                f"{strategy}{n}",
                max_queries=600,
                seed=3,
                opt={"rounds": n, "strategy": strategy},
            )
        )
        for n in (1, 4)
    ]
    assert got[0] and got[0] == got[1]
