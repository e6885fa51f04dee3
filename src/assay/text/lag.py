"""A lagged walk: the next round drafted while the classifiers answer this round's shrinking.

A round of the walk proposes its cases (sent in parts as they are drafted), judges them,
then shrinks its new errors: a chain of small batches, each waiting for the answers of the
one before, while the search has nothing else to do.  With ``rounds`` > 1 the engine runs
that many rounds per step, and while a round (not the step's last) shrinks, the next one is
drafted in the waits: the shrinking and the drafting take turns (``pipeline.Turns``), the
turn passing when the one holding it has sent a batch to the classifiers (a shrinking
batch, a part of the next round's proposals).  A fixed schedule: the findings depend on the
seed and the budget only, not on timing, and are the same inline, in a thread or in the
worker.  The next round is steered by what is known when it is drafted: the round before's
answers and its shrinking so far (its last minimal errors, what its shrinking cost and gave,
are told to the strategy after).  A walk whose next drafts need this round's minimal errors
(``may_lag``: exploring where errors are common) is drafted once the shrinking's first wave
(its smallest errors) has found them (``AFTER_WAVES``): most of the waits are in the later
waves.  A step ends with nothing in flight and nothing drafted
ahead: checkpoints, resuming, stopping are as for any step.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from assay.errors import BudgetExhausted, UsageError
from assay.text.pipeline import Turns, restore

if TYPE_CHECKING:
    from assay.core.findings import FindingBatch
    from assay.text.engine import Engine, Evaluated
    from assay.text.oracle import Case

__all__ = ["AFTER_WAVES", "LAG_ENV", "OWN", "lag_from", "step_lagged"]

LAG_ENV = "ASSAY_TEXT_LAG"
# what the shrinking and the drafting each have of their own while they take turns
OWN = ("_memo", "_sent", "_ahead_at", "_ahead_off", "_ahead_part")
# (walkers drafted, shrinking batches sent) assumed in a step's first overlap
LAG_START = (48, 3)
# waves of a round's shrinking done before the next round is drafted, where the walk says
# it may not lag (``may_lag``): most of the shrinking's waits are in the later waves
AFTER_WAVES = 1


def lag_from(asked: int | None = None) -> int:
    """Rounds per step: ``asked``, else ``$ASSAY_TEXT_LAG``, else 1 (no lag)."""
    if asked is not None:
        return asked
    raw = os.environ.get(LAG_ENV, "").strip()
    if not raw:
        return 1
    try:
        n = int(raw)
    except ValueError:
        n = 0
    if not 1 <= n <= 16:
        raise UsageError(f"must be a whole number from 1 to 16, not {raw!r}", argument=LAG_ENV)
    return n


class Lag:
    """The turns of one overlap: 0 shrinks the round, 1 drafts the next."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turns = Turns(2)
        # (the shrinking's: the round's parts all read; the drafting's: set by
        # ``propose_round``)
        own = {"_memo": {}, "_sent": {}, "_ahead_at": 0, "_ahead_off": True, "_ahead_part": None}
        self.own: list[dict[str, Any]] = [own, dict(own)]
        self.local = threading.local()
        # the drafting's schedule: it gives the turn back after ``quota`` walkers (calls of
        # ``send_ahead``), spread over as many turns as the shrinking of the step's last
        # overlap sent batches (``LAG_SENDS`` in the step's first); counted anew each step,
        # so a resumed run keeps it
        calls, sends = engine._lag_seen
        self.quota = max(1, -(-calls // max(1, sends)))
        self.calls = self.sends = self.since = 0
        self.after = 0  # waves of the shrinking before the drafting's first turn

    @property
    def me(self) -> int:
        me: int = getattr(self.local, "me", 0)
        return me

    def enter(self, me: int) -> None:
        self.local.me = me
        self.turns.wait(me)
        restore(self.engine, self.own[me])

    def drafted(self) -> None:
        """A walker drafted (the drafting's turn): the turn goes back to the shrinking after
        ``quota`` of them."""
        self.calls += 1
        self.since += 1
        if self.since >= self.quota:
            self.since = 0
            self.give()

    def give(self) -> None:
        """Let the other side run until this one has the turn again (the shrinking gives
        it when it has sent a batch)."""
        me = self.me
        engine = self.engine
        if me == 0:
            if engine._waves < self.after:
                return
            self.sends += 1
        self.own[me] = {a: getattr(engine, a) for a in OWN}
        self.turns.give(me)
        self.turns.wait(me)
        restore(engine, self.own[me])

    def end(self) -> None:
        me = self.me
        self.own[me] = {a: getattr(self.engine, a) for a in OWN}
        self.turns.end(me)


def step_lagged(engine: Engine, rounds: int) -> list[FindingBatch]:
    """One step of ``rounds`` rounds, each but the last shrinking while the next is
    drafted (``Lag``)."""
    engine._lag_seen = LAG_START
    found: list[FindingBatch] = []
    cases: list[Case] | None = None
    for r in range(rounds):
        if cases is None:
            cases = engine.propose_round()
            if not cases:
                return found
        try:
            got = engine.judge_round(cases)
        except BudgetExhausted as exc:
            if not found:
                raise
            engine._stop_next = getattr(exc, "reason", None) or "queries"
            return found
        if r == rounds - 1 or engine.strategy.done:
            found.extend(engine.shrink_round(got))
            return found
        may = getattr(engine.strategy, "may_lag", None)
        # a walk whose next round needs this round's minimal errors is drafted once the
        # shrinking's first wave (its smallest errors, ``Engine._findings``) has found them
        after = AFTER_WAVES if may is not None and not may() else 0
        cases = _overlap(engine, got, found, after)
        if cases is None or engine._done:
            return found
    return found


def _overlap(
    engine: Engine, got: Evaluated, found: list[FindingBatch], after: int = 0
) -> list[Case] | None:
    """Shrink ``got``'s errors (turn 0) while the next round is drafted (turn 1); the next
    round's proposals (None when the strategy had none)."""
    lag = Lag(engine)
    lag.after = after
    proposed: list[list[Case]] = []
    errors: list[BaseException | None] = [None, None]
    shrunk: list[list[FindingBatch]] = []

    def shrink() -> None:
        try:
            lag.enter(0)
            shrunk.append(engine.shrink_round(got))
        except BaseException as exc:  # handed to the search's thread
            errors[0] = exc
        finally:
            lag.end()

    def draft() -> None:
        try:
            lag.enter(1)
            proposed.append(engine.propose_round())
        except BaseException as exc:
            errors[1] = exc
        finally:
            lag.end()

    threads = [
        threading.Thread(target=shrink, name="assay-text-shrink", daemon=True),
        threading.Thread(target=draft, name="assay-text-draft", daemon=True),
    ]
    engine._lag = lag
    try:
        for t in threads:
            t.start()
        lag.turns.wait_all()
        for t in threads:
            t.join()
    finally:
        engine._lag = None
        restore(engine, lag.own[1])  # the next round's (its parts sent ahead)
        engine._lag_seen = (lag.calls, lag.sends)
    for b in shrunk:
        found.extend(b)
    if engine._failed_after(errors, bool(found)):
        return None
    return proposed[0] if proposed and proposed[0] else None
