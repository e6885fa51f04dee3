"""How the text search's sentences reach the classifiers: in one call per round, in parts sent
ahead while the strategy drafts the rest (``send_ahead``), or, in a laned search, sent while
the other lanes take their turn (``pipeline.Turns``).  Each sentence is asked once: a part in
flight (``Flight``) is read when its answers are needed, and its answers are remembered by
the model's cache under the sentences' keys.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.errors import BudgetExhausted
from assay.text.pipeline import restore

if TYPE_CHECKING:
    from assay.text.lag import Lag
    from assay.text.oracle import Case
    from assay.text.pipeline import Turns

__all__ = ["AHEAD", "AHEAD_MIN", "AHEAD_SHARE", "CALL_SHARE", "LANE", "Dispatch", "Flight"]

AHEAD = 32  # proposals sent ahead together (``Dispatch.send_ahead``), at least
AHEAD_SHARE = 0.25  # ... and at least this share of the round's proposals
# ... unless the classifiers' cost per call is known (``panel.CallCost``) and small: then
# parts as small as keep that fixed cost under ``CALL_SHARE`` of a part's, at least AHEAD_MIN
AHEAD_MIN = 8
CALL_SHARE = 0.1
# what each lane of a laned search has of its own (``Engine`` swaps them when the turn passes)
LANE = ("strategy", "draws", "_texts", "_memo", "new_minimal", "shrink_credit", "_short")


def _first_new(texts: list[str], keys: list[int], asked: set[int]) -> tuple[list[str], list[int]]:
    """The sentences of ``texts`` (and their ``keys``) not in ``asked``, each once, in the
    order of their first appearance."""
    out_texts: list[str] = []
    out_keys: list[int] = []
    mine: set[int] = set()
    for t, k in zip(texts, keys, strict=True):
        if k not in asked and k not in mine:
            mine.add(k)
            out_texts.append(t)
            out_keys.append(k)
    return out_texts, out_keys


class Flight:
    """A batch of never-asked sentences sent to the classifiers, its answer not read yet."""

    __slots__ = ("call", "keys", "value")

    def __init__(self, call: Any, keys: np.ndarray) -> None:
        self.call, self.keys = call, keys
        self.value: np.ndarray | None = None

    def read(self, model: Any, pending: dict[int, Flight]) -> np.ndarray:
        if self.value is None:
            value = np.asarray(self.call.result())
            model.remember(self.keys, value)
            self.value = value
            if pending:  # (sentences in flight are noted only in laned or lagged rounds)
                for k in self.keys.tolist():
                    if pending.get(k) is self:
                        del pending[k]
        out: np.ndarray = self.value
        return out


class Dispatch:
    """The engine's calls to the classifiers (a part of ``text.engine.Engine``)."""

    model: Any
    asked: set[int]
    _asked_log: list[int]
    _ctx: list[dict[str, Any]]
    _lane: int
    _turns: Turns | None
    _pending: dict[int, Flight]
    _sent: dict[int, tuple[Flight, int]]
    _ahead_at: int
    _ahead_off: bool
    _ahead_part: int | None
    _lag: Lag | None = None  # (``Engine`` sets it while a round shrinks and the next is drafted)
    _entry: Callable[[Case], tuple[Case, list[str], list[int], int]]

    def send_ahead(self, cases: list[Case], planned: int) -> None:
        """Send now the sentences of the proposals drafted since the last call (``cases``:
        this round's proposals so far, in order; ``planned``: how many the round will
        have, about), when there are enough of them (``AHEAD``, and a share of the
        round, ``AHEAD_SHARE``: each call costs the classifiers some time of its own): the
        classifiers answer them while the strategy drafts the rest (``evaluate`` then reads
        them).  The answers are the same as in one batch: the findings do not change.  Off
        with lanes, and once a chunk would not fit in the query budget (``evaluate`` trims
        as usual).  Where the classifiers' fixed cost per call is known to be small beside
        their cost per sentence (``panel.CallCost``: VADER and TextBlob's is nil, two TF-IDF
        pipelines' ~5 ms), the parts are smaller (``CALL_SHARE``, ``AHEAD_MIN``): the first
        goes out sooner and the last leaves less to wait for, at no cost to the
        classifiers.  In a lagged step (``lag``), the drafting of the next round gives the
        turn back to the shrinking as its schedule says (``Lag.drafted``)."""
        self._send_part(cases, planned)
        if self._lag is not None:
            self._lag.drafted()

    def _send_part(self, cases: list[Case], planned: int) -> None:
        """``send_ahead``'s sending."""
        if self._ahead_off:
            return
        at_least = self._ahead_part
        if at_least is None:
            at_least = self._ahead_part = self._part_size(planned)
        if len(cases) - self._ahead_at < at_least:
            return
        model: Any = self.model
        if self._turns is not None or not hasattr(model, "submit_new"):
            self._ahead_off = True
            return
        chunk = cases[self._ahead_at :]
        self._ahead_at = len(cases)
        asked = self.asked
        entries = [self._entry(case) for case in chunk]
        texts = [t for e in entries for t in e[1]]
        new = [k for e in entries for k in e[2]]
        if not asked.isdisjoint(new) or len(set(new)) < len(new):
            # (some asked before, or repeated: each new one once, at its first place)
            texts, new = _first_new(texts, new, asked)
        if not texts:
            return
        left = model.remaining()
        if left is not None and len(texts) > left:
            self._ahead_off = True
            return
        arr = np.fromiter(new, dtype=np.uint64, count=len(new))
        try:
            call = model.submit_new(texts, arr)
        except BudgetExhausted:  # the time budget: ``evaluate`` meets it as usual
            self._ahead_off = True
            return
        flight = Flight(call, arr)
        self._sent.update(zip(new, zip(itertools.repeat(flight), range(len(new))), strict=True))
        asked.update(new)
        self._asked_log.extend(new)
        if self._lag is not None:  # (the shrinking taking turns may need it: read from here)
            self._pending.update(dict.fromkeys(new, flight))

    def _part_size(self, planned: int) -> int:
        """Proposals per part sent ahead in this round (``send_ahead``); drafted in a
        lagged step, not sized by the classifiers' measured cost (their timing would move
        the sends, and the query budget they spend, against the shrinking's)."""
        size = max(AHEAD, int(planned * AHEAD_SHARE))
        if self._lag is not None:
            return size
        cost = getattr(getattr(self.model, "model", None), "call_cost", None)
        fitted = cost.fitted() if cost is not None else None
        if fitted is not None:
            fixed, each = fitted
            size = min(size, max(AHEAD_MIN, math.ceil(fixed / (CALL_SHARE * each))))
        return size

    def _predict_sent(self, flat: list[str], keys: list[int], meanwhile: Any) -> np.ndarray:
        """``_predict`` when some of ``flat`` were sent ahead: the rest is sent (or read from
        the cache), then every answer read, in the order of ``flat``."""
        model: Any = self.model
        sent = self._sent
        rest = [i for i, k in enumerate(keys) if k not in sent]
        rest_keys = [keys[i] for i in rest]
        last: Flight | None = None
        if (
            rest
            and not any(k in self.asked for k in rest_keys)
            and len(set(rest_keys)) == len(rest_keys)
        ):
            arr = np.fromiter(rest_keys, dtype=np.uint64, count=len(rest_keys))
            last = Flight(model.submit_new([flat[i] for i in rest], arr), arr)
        if meanwhile is not None:
            meanwhile()  # while the classifiers answer
        # the sentences sent ahead, by part (in order of first appearance: each part read,
        # and its answers cached, in that order): (part, positions in flat, rows in its answer)
        parts: dict[int, tuple[Flight, list[int], list[int]]] = {}
        for i, k in enumerate(keys):
            got = sent.get(k)
            if got is not None:
                part = parts.get(id(got[0]))
                if part is None:
                    part = parts[id(got[0])] = (got[0], [], [])
                part[1].append(i)
                part[2].append(got[1])
        pieces = [
            (at, flight.read(model, self._pending)[rows]) for flight, at, rows in parts.values()
        ]
        if rest:
            if last is not None:
                answer = last.read(model, self._pending)
            else:
                answer = np.asarray(
                    model.predict(
                        [flat[i] for i in rest], keys=np.asarray(rest_keys, dtype=np.uint64)
                    )
                )
            pieces.append((rest, answer))
        for k in keys:
            sent.pop(k, None)
        if not pieces:
            return np.asarray([])
        # (the rows of every piece in one array of their common type, as ``np.asarray`` of
        # the rows one by one made it)
        first = pieces[0][1]
        out = np.empty((len(keys), *first.shape[1:]), dtype=np.result_type(*(p[1] for p in pieces)))
        for at, got_rows in pieces:
            out[at] = got_rows
        return out

    def _predict(self, flat: list[str], keys: list[int], meanwhile: Any = None) -> np.ndarray:
        """The panel's answers to ``flat`` (``keys``: their ``text_key``s).  Sentences never
        asked and all different go to the model as such (nothing to look up in its cache);
        others through its cache, keyed by the same keys."""
        model: Any = self.model
        asked = self.asked
        if self._sent:
            return self._predict_sent(flat, keys, meanwhile)
        if (self._turns is not None or self._lag is not None) and hasattr(model, "submit_new"):
            return self._predict_turns(flat, keys, meanwhile)
        if hasattr(model, "predict_new"):
            arr = np.fromiter(keys, dtype=np.uint64, count=len(keys))
            if not any(k in asked for k in keys) and len(set(keys)) == len(keys):
                if hasattr(model, "submit_new") and meanwhile is not None:
                    call = model.submit_new(flat, arr)
                    meanwhile()  # while the classifiers answer (elsewhere)
                    return Flight(call, arr).read(model, self._pending)
                out: np.ndarray = model.predict_new(flat, arr)
            elif meanwhile is not None and hasattr(model, "submit_new"):
                out = self._predict_partial(flat, keys, arr, meanwhile)
            else:
                out = model.predict(flat, keys=arr)
            return out
        answer: np.ndarray = model.predict(flat)
        return answer

    def _predict_partial(
        self, flat: list[str], keys: list[int], arr: np.ndarray, meanwhile: Any
    ) -> np.ndarray:
        """``_predict`` of sentences some of which were asked before (a shrinking round's
        candidates, mostly) or repeated, with work to do while the classifiers answer
        (``meanwhile``: the round's statistics, the strategy's ``observe`` put off to this
        wait): the never-asked ones are sent at once (each once), ``meanwhile`` runs, then
        their answers are read and the others' looked up (``model.predict``, from its
        cache).  The same sentences asked, counted and answered as by one ``predict`` of
        them all, which ran ``meanwhile`` only after its answer: the findings do not change."""
        model: Any = self.model
        asked = self.asked
        row: dict[int, int] = {}  # key -> its row in the answer of the sentences sent now
        sent: list[int] = []
        old: list[int] = []  # positions of the sentences asked before (from the cache)
        new_at: list[int] = []  # positions of the others, and their rows in that answer
        new_rows: list[int] = []
        for i, k in enumerate(keys):
            r = row.get(k)
            if r is None:
                if k in asked:
                    old.append(i)
                    continue
                r = row[k] = len(sent)
                sent.append(i)
            new_at.append(i)
            new_rows.append(r)
        if not sent:
            out: np.ndarray = model.predict(flat, keys=arr)
            return out
        new_keys = arr[sent]
        flight = Flight(model.submit_new([flat[i] for i in sent], new_keys), new_keys)
        meanwhile()  # while the classifiers answer
        fresh = flight.read(model, self._pending)
        # a new sentence repeated in the batch: answered once, asked for each time (as
        # ``predict`` counts its requests)
        model.requests += len(keys) - len(sent) - len(old)
        if not old:
            return fresh[new_rows]
        before = np.asarray(model.predict([flat[i] for i in old], keys=arr[old]))
        out = np.empty((len(keys), *fresh.shape[1:]), dtype=np.result_type(fresh, before))
        out[old] = before
        out[new_at] = fresh[new_rows]
        return out

    def _predict_turns(self, flat: list[str], keys: list[int], meanwhile: Any) -> np.ndarray:
        """``_predict`` in a laned round: the sentences never asked are sent (counted and
        marked asked now), the turn goes to the other lanes while the classifiers answer,
        then the answer is read; sentences another lane sent are read from its call."""
        model: Any = self.model
        asked, pending = self.asked, self._pending
        new: list[int] = []
        mine: set[int] = set()
        for i, k in enumerate(keys):
            if k not in asked and k not in mine:
                mine.add(k)
                new.append(i)
        flight = None
        if new:
            arr = np.fromiter((keys[i] for i in new), dtype=np.uint64, count=len(new))
            flight = Flight(model.submit_new([flat[i] for i in new], arr), arr)
            for k in mine:
                pending[k] = flight
                asked.add(k)
                self._asked_log.append(k)
            if meanwhile is not None:
                meanwhile()
            self._give_turn()  # (nothing sent: nothing to wait for, the turn is kept)
        if flight is not None:
            flight.read(model, pending)
            if len(new) == len(keys):
                assert flight.value is not None
                return flight.value
        for k in keys:  # sent by another lane (or earlier), answer still out
            other = pending.get(k)
            if other is not None:
                other.read(model, pending)
        out: np.ndarray = model.predict(flat, keys=np.asarray(keys, dtype=np.uint64))
        return out

    def _give_turn(self) -> None:
        """Let the other lanes run until this one has the turn again (its own state saved
        and restored around it); in a lagged step, the drafting of the next round
        (``lag``)."""
        if self._lag is not None:
            self._lag.give()
            return
        turns = self._turns
        if turns is None:
            return
        me = self._lane
        self._ctx[me] = {a: getattr(self, a) for a in LANE}
        turns.give(me)
        turns.wait(me)
        restore(self, self._ctx[me])
        self._lane = me
