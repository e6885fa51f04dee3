"""A lagged walk (``text.lag``): the next round drafted while the classifiers answer this
round's shrinking, on a fixed schedule: the same findings in every worker mode, each
sentence asked once, a step ending with nothing in flight, resumable from its snapshot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.errors import UsageError
from assay.text.lag import AFTER_WAVES, LAG_ENV, lag_from
from assay.text.loading import LOADING_PROBE
from assay.text.pipeline import WORKER_ENV, worker_mode

from test_text_pipeline import _rows, _run  # isort: skip

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
TIMED = {"errors per second", "errors per second of the search phase only", "wall-clock seconds"}


@pytest.fixture(autouse=True)
def _thawed() -> Any:
    """Engines stepped here by hand end as a run does (``engine.thaw``): else the record of
    the program's own frozen objects stays, and a later run in this process (another test)
    takes it for its own and unfreezes what its program froze (test_lead26_host_freeze)."""
    yield
    from assay.text.engine import thaw

    thaw()


def _engine(rounds: int, seed: int = 0) -> Any:
    """A walk's engine over two fake classifiers (one blind to negation)."""
    from assay.core.budget import BudgetedModel
    from assay.text.api import setup_text

    setup = setup_text(
        [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews", rounds=rounds
    )
    model = BudgetedModel(setup.model, max_queries=20_000)
    return setup.test.search(model, np.random.default_rng(seed)).engine


def _overlaps(
    rounds: int, steps: int = 6, may: bool = True, waves: list[int] | None = None
) -> list[bool]:
    """Per round proposed in ``steps`` steps: whether its drafting began while a round's
    shrinking had a batch out (sent in that overlap by the shrinking's side, ``Lag``);
    ``may``: what the walk says of lagging (``may_lag``)."""
    engine = _engine(rounds)
    walk = engine.strategy
    walk.may_lag = lambda: may  # (the fakes' errors are common: the walk would say no)
    sent = [0]
    overlapped: list[bool] = []
    waves = [] if waves is None else waves  # per drafting in an overlap: the shrinking's
    # waves done when it began
    submit, propose = engine.model.submit_new, walk.propose

    def spy_submit(inputs: Any, keys: Any) -> Any:
        if engine._lag is not None and engine._lag.me == 0:
            sent[0] += 1
        return submit(inputs, keys)

    def spy_propose(eng: Any, n: int) -> Any:
        overlapped.append(engine._lag is not None and sent[0] > 0)
        if overlapped[-1]:
            waves.append(engine._waves)
        return propose(eng, n)

    engine.model.submit_new = spy_submit
    walk.propose = spy_propose
    for _ in range(steps):
        sent[0] = 0
        engine.step()
        assert engine._lag is None and not engine._pending and not engine._sent
    return overlapped


@pytest.mark.pure_text
def test_the_next_round_is_drafted_while_the_shrinking_waits_for_the_classifiers() -> None:
    """With 3 rounds a step, the drafting of the next round starts in a wait of a round's
    shrinking (after it sent a batch), and the step ends with nothing in flight; one round
    a step (the default) never overlaps."""
    lagged = _overlaps(3)
    assert sum(lagged) >= 4, lagged  # (2 of each step's 3 rounds, when they shrink)
    plain = _overlaps(1)
    assert len(plain) == 6 and not any(plain)
    # a walk whose next round needs this one's minimal errors (``may_lag``) is drafted once
    # the first wave of the shrinking (its smallest errors) has found them
    waves: list[int] = []
    later = _overlaps(3, may=False, waves=waves)
    assert sum(later) >= 2 and min(waves) >= AFTER_WAVES >= 1, (later, waves)
    first: list[int] = []
    _overlaps(3, waves=first)
    assert min(first) == 0  # (otherwise from the shrinking's first batch)


def test_the_walk_lags_from_the_start_only_while_its_exploring_needs_no_minimal_error() -> None:
    """Exploring where errors are common sends only drafts holding no known minimal error:
    drafted before the round's shrinking found its minimal errors, the walk would send the
    duplicates it knows to avoid (pair (b): a quarter fewer distinct minimal errors)."""
    from assay.text.walk import WalkStrategy

    for fresh, lags in (([100, 90], False), ([100, 2], True)):
        walk = WalkStrategy()
        walk.fresh, walk.shrinking = fresh, [10.0, 1.0]  # (shrinking costs: 10 a case)
        assert walk.may_lag() is lags
        harvest = WalkStrategy(harvest=True)  # (never sends only novel drafts)
        harvest.fresh, harvest.shrinking = fresh, [10.0, 1.0]
        assert harvest.may_lag()
    assert WalkStrategy().may_lag()  # (not measured yet: drafts as it always did)


def test_a_lagged_step_resumed_from_its_snapshot_continues_as_the_uninterrupted_one() -> None:
    """A lagged step ends with nothing drafted ahead: the search restored from the snapshot
    taken after it finds what the one that went on found."""
    from assay.core.rng import generator_state, set_generator_state

    a = _engine(3, seed=4)
    for _ in range(3):
        a.step()
    snap = a.snapshot()
    rng = generator_state(a.rng)  # (kept beside the search's snapshot: ``core.run``)
    b = _engine(3, seed=99)
    b.restore(snap)
    set_generator_state(b.rng, rng)
    for _ in range(3):
        a.step()
        b.step()
    assert len(a.minimal) > 0
    assert sorted(a.minimal) == sorted(b.minimal)
    assert (a.cases, a.errors, a.search_errors) == (b.cases, b.errors, b.search_errors)


def test_a_lagged_walk_finds_the_same_in_every_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mode, why = worker_mode("process")
    if mode != "process":
        pytest.skip(f"no worker process in this test process: {why}")
    from assay.text.summary import SEARCH_SHARE, WALL_SHARE
    from assay.text.walk import WalkStrategy

    # lagged in every step (the fakes' errors are common: the walk would stop lagging)
    monkeypatch.setattr(WalkStrategy, "may_lag", lambda self: True)
    got = {}
    for mode in ("process", "thread", "inline"):
        monkeypatch.setenv(WORKER_ENV, mode)
        r = _run(tmp_path, mode, max_queries=1500, seed=5, opt={"rounds": 4})
        assert r.summary["classifiers answered in"]["mode"] == mode
        timed = TIMED | {SEARCH_SHARE, WALL_SHARE}
        metrics = {k: v for k, v in r.summary["metrics"].items() if k not in timed}
        got[mode] = (_rows(r), metrics, r.progress["queries"])
    assert got["process"][0], "the planted bug was not found"
    assert got["process"] == got["thread"] == got["inline"]


def test_a_lagged_walk_asks_each_sentence_once_within_its_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.text import panel as text_panel
    from assay.text.walk import WalkStrategy

    sent: list[str] = []
    orig = text_panel.Panel.predict

    def spy(self: Any, inputs: Any) -> Any:
        sent.extend(inputs)
        return orig(self, inputs)

    monkeypatch.setenv(WORKER_ENV, "inline")  # the calls are seen in this process
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")  # the search's calls only
    monkeypatch.setattr(text_panel.Panel, "predict", spy)
    monkeypatch.setattr(WalkStrategy, "may_lag", lambda self: True)  # (as above)
    r = _run(tmp_path, "once", max_queries=2000, seed=3, opt={"rounds": 4})
    from assay.core.store import RunStore

    store = RunStore(r.store)
    config = store.get_run(r.run_id).config
    store.close()
    # kept with the run: a resume (``setup_from_record``) lags as the run did
    assert config["rounds"] == 4 and config["invocation"]["rounds"] == 4
    # (loading asked the callables 2 sentences, within the budget)
    assert len(sent) == len(set(sent)) == r.progress["queries"] == 2000 - LOADING_PROBE


def test_the_rounds_come_from_the_environment_and_go_to_the_rerun_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.text.phases import text_environment

    monkeypatch.delenv(LAG_ENV, raising=False)
    assert lag_from() == 1
    assert lag_from(5) == 5
    monkeypatch.setenv(LAG_ENV, "6")
    assert lag_from() == 6
    for bad in ("0", "17", "two"):
        monkeypatch.setenv(LAG_ENV, bad)
        with pytest.raises(UsageError, match="1 to 16") as err:
            lag_from()
        assert err.value.argument == LAG_ENV
    assert text_environment({"rounds": 6}, {}, checks=False) == {LAG_ENV: "6"}
    assert LAG_ENV not in text_environment({"lanes": 1}, {}, checks=False)


def test_shrinking_is_charged_to_the_modes_of_the_round_it_shrank() -> None:
    """``shrunk`` credits each failing proposal's walker mode as the round observed last had
    it, even when the next round's drafting (lagged) has since replaced the modes."""
    engine = _engine(1)
    walk = engine.strategy
    for _ in range(8):
        engine.step()
        modes = list(walk.pmodes)
        if 0 in modes or 1 in modes:
            break
    i = next(j for j, m in enumerate(modes) if m >= 0)
    walk.pmodes = [1 - modes[i]] * len(modes)  # the next round's, drafted meanwhile
    before = walk.worth.copy()
    walk.shrunk(engine, {i: [7.0, 3.0, 1.0]})
    assert walk.worth[modes[i]] == pytest.approx(before[modes[i]] + [7.0, 3.0, 1.0])
    assert walk.worth[1 - modes[i]] == pytest.approx(before[1 - modes[i]])


def test_the_subsequence_check_is_the_in_order_match_it_always_was() -> None:
    """``shrink._subsequence`` as a plain loop (the generators of ``all(any(...))`` cost
    6x the comparisons on a run's 4,000 calls): the same answers as that form, on random
    word lists with repeats."""
    from assay.text.shrink import _subsequence

    def reference(small: list[str], big: list[str]) -> bool:
        it = iter(big)
        return all(any(w == b for b in it) for w in small)

    rng = np.random.default_rng(7)
    words = ["a", "b", "c", "d"]
    for _ in range(3000):
        small = [words[i] for i in rng.integers(0, 4, rng.integers(0, 5))]
        big = [words[i] for i in rng.integers(0, 4, rng.integers(0, 8))]
        assert _subsequence(small, big) == reference(small, big), (small, big)
