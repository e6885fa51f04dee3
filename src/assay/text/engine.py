"""The text search: one batched round per step, shared by every strategy.

A strategy proposes cases (derivations); the engine sends their sentences to the
classifiers (one batch per round, sent in parts as it is drafted when the strategy says so:
``send_ahead``; a sentence is never sent twice), judges them, keeps
the statistics (productions and words with errors, coverage), shrinks new errors to minimal
ones, and returns findings: one per distinct minimal error (duplicates are counted).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.labels import join_labels
from assay.errors import BudgetExhausted, ModelError
from assay.text.dispatch import LANE, Dispatch, Flight
from assay.text.engine_state import EngineState, key_set, text_key
from assay.text.flat import Flat, flatten
from assay.text.flat import text as flat_text
from assay.text.generate import (
    Draws,
    Sampler,
    Tree,
    count_derivations,
    enumerate_trees,
    replace_at,
    tree_productions,
    tree_text,
)
from assay.text.known import KnownErrors, signature
from assay.text.label_watch import LabelWatch, watch_of
from assay.text.lag import Lag, step_lagged
from assay.text.oracle import Case, Oracle, Verdict
from assay.text.pipeline import Turns, restore
from assay.text.segment import Words
from assay.text.shrink import Shrinker, case_size
from assay.text.untested import untested_reason
from assay.text.vocab import Vocab, WordStats

__all__ = [
    "TEST_KEYS",
    "Engine",
    "Evaluated",
    "Strategy",
    "TextModel",
    "key_set",
    "signature",
    "text_key",
    "untested_reason",
]

_SEP = "\x1f"
_new = object.__new__
_LASTING = 16_384  # entries of ``Engine.lasting`` (cleared when full)
_RENDERED = 16_384  # entries of ``Engine._rendered`` (cleared when full; ~1 kB each)
_WAVE = 16  # lazy shrinking: errors shrunk together (at least)
TEST_KEYS = 512  # per test, the keys of its first cases kept (``Engine.test_keys``)
CASE_KEYS = 16_384  # the run's first cases whose keys are kept (``Engine.case_keys``)


class ShrinkFailed(Exception):
    """A classifier failed (``error``) while a round's errors were shrunk; ``rows``: the
    records of those errors, each as far as it was shrunk before the failure."""

    def __init__(self, rows: list[dict[str, Any]], error: ModelError) -> None:
        super().__init__(str(error))
        self.rows, self.error = rows, error


class TextModel(Protocol):
    def predict(self, inputs: Any, /) -> np.ndarray: ...

    def remaining(self) -> int | None: ...

    @property
    def queries(self) -> int: ...

    @property
    def model_seconds(self) -> float: ...

    @property
    def elapsed(self) -> float: ...


class Evaluated:
    """What a round learned about its cases."""

    def __init__(self, cases: list[Case], verdict: Verdict, outputs: list[np.ndarray]) -> None:
        self.cases = cases
        self.error = verdict.error
        self.margin = verdict.margin
        self.detail = verdict.detail
        self.outputs = outputs

    @property
    def score(self) -> np.ndarray:
        """How close to failing (higher is closer): the negated margin."""
        return -self.margin


class Strategy(Protocol):
    name: str

    def propose(self, engine: Engine, n: int) -> list[Case]: ...

    def observe(self, engine: Engine, got: Evaluated) -> None: ...

    @property
    def done(self) -> bool: ...

    def state(self) -> dict[str, Any]: ...

    def load(self, state: dict[str, Any]) -> None: ...


class Engine(Dispatch, EngineState):
    def __init__(
        self,
        oracle: Oracle,
        sampler: Sampler,
        strategy: Strategy,
        model: TextModel,
        rng: np.random.Generator,
        *,
        batch: int = 256,
        shrink: bool = True,
        lanes: Sequence[Strategy] = (),
        rounds: int = 1,
    ) -> None:
        self.oracle = oracle
        self.g = oracle.g
        self._tagged = oracle.metamorphic and oracle.twins  # (``key``)
        self.sampler = sampler
        self.strategy = strategy
        self.model = model
        self.rng = rng
        self.draws = Draws(rng)
        self.batch = batch
        # sentences asked and cases judged, by their 64-bit keys (``text_key``)
        self.asked: set[int] = set()
        self._asked_log: list[int] = []
        self.keys: set[int] = set()
        self._keys_log: list[int] = []
        self.cases = 0
        self.errors = 0  # distinct failing cases (shrinking candidates included)
        self.search_errors = 0  # failing cases the strategy proposed
        self.proposed = 0  # cases the strategy proposed (the rest were shrinking candidates)
        # per relation of a metamorphic oracle (a test, in CheckList's terms): its cases
        # judged and those failing
        self.per_test = [[0, 0] for _ in (oracle.relations if oracle.metamorphic else ())]
        # per test, the keys of its first ``TEST_KEYS`` cases judged, a failing one's
        # negated (``units``: a campaign's merged counts are of distinct cases)
        self.test_keys: list[list[int]] = [[] for _ in self.per_test]
        # the keys of the run's first ``CASE_KEYS`` cases judged (a failing one's negated)
        # and their tests (-1: none), so that a campaign's run-wide figures count distinct
        # cases as its Tests table does (``units``)
        self.case_keys: list[list[int]] = []
        self._case_keys_logged = 0  # (those a snapshot has written: ``EngineState``)
        self.prod_n = np.zeros(self.g.n_productions, dtype=np.int64)
        self.prod_err = np.zeros(self.g.n_productions, dtype=np.int64)
        # the grammar's words as ids (a tree's words are those of its productions), and the
        # statistics of words by id (``words``: the dict of word strings, made when read)
        self.vocab = Vocab(self.g)
        self.word_stats = WordStats(self.vocab)
        self.shrinker = Shrinker(oracle, sampler, vocab=self.vocab) if shrink else None
        self.minimal: dict[str, dict[str, Any]] = {}  # minimal key -> record
        # the minimal forms by failure signature, for lazy shrinking (rebuilt from
        # ``minimal`` on restore)
        self._words = Words(self.g)  # (a sentence's words: Chinese ones too)
        self._known = KnownErrors(self._words.words, self.vocab)
        # the minimal errors of invariance tests by their sentences sorted (``_as_known``)
        self._pairs: dict[str, str] = {}
        self.shrink_incomplete = 0
        self.new_minimal: list[Case] = []  # minimal errors new in this round
        # per proposal of this round (its index) that failing was shrunk: the queries its
        # shrinking asked, the errors among them (a wave's shared evenly by its cases) and
        # whether it gave a new minimal error; told to the strategy (``shrunk``)
        self.shrink_credit: dict[int, list[float]] = {}
        self._short = False
        # the strategy's ``observe`` of this round, when it may wait (``observe_later``):
        # done while the classifiers answer the round's first shrinking batch
        self._later: Any = None
        self.stop_reason: str | None = None
        self._done = False
        self.search_seconds = 0.0
        # by case identity (the case is held, so an identity is never reused; bounded)
        self._texts: dict[int, tuple[Case, list[str], list[int], int]] = {}
        # by case value, across rounds (bounded): its sentences, their keys, its key
        self._rendered: dict[Case, tuple[list[str], list[int], int]] = {}
        self._single = not oracle.metamorphic  # a case is its one sentence
        self._memo: dict[tuple[str, int], tuple[Case, Any]] = {}
        # what depends on a case alone (its tree and focus), kept across rounds (bounded)
        self._lasting: dict[tuple[str, int], tuple[Case, Any]] = {}
        # minimal keys new since the last snapshot, and keys whose count changed since it
        # (each checkpoint appends only these: never the whole set again)
        self._minimal_new: list[str] = []
        self._counted: set[str] = set()
        self._space: list[Tree] | None = None  # every derivation (small grammars; ``space``)
        self._space_size: int | None = None
        self._space_skip: list[int] | None = None
        self.stalled = False  # a random draw stalled (``fresh_random``): stays so
        self._uniform: Sampler | None = None  # (``uniform_sampler``)
        # did the classifiers' answers ever differ between sentences, and was any sentence
        # not blank?  If neither, no sentence could fail: the run tested nothing
        self.first_answer: list[float] | None = None
        self.varied = False
        self.wordy = False
        # did a metamorphic case's variant ever differ from its sentence? (``_judge_apart``)
        self.apart = not oracle.metamorphic
        # and per test (a suite's test whose every case's variants were its sentence tested
        # nothing, though the run's other tests did: ``summary.test_table``)
        self.apart_tests = [False for _ in self.per_test]
        # the answer columns that never changed (None: not watched, a state stored before):
        # a classifier whose every column is still the same tested nothing of invariance
        self.still: list[bool] | None = None
        # the classifiers whose label never moved, their scores varying (``label_watch``)
        self.label_watch = watch_of(oracle) or LabelWatch()
        # lanes (``lanes``: strategies beside ``strategy``): each round of the search is one
        # round of every lane, the lanes taking turns (``pipeline.Turns``) whenever one has
        # sent a batch to the classifiers, so that the classifiers answer one lane while
        # the other works.  Sentences sent and not yet answered: ``_pending``
        self._ctx: list[dict[str, Any]] = [
            {
                "strategy": s,
                "draws": Draws(rng) if i else self.draws,
                "_texts": {},
                "_memo": {},
                "new_minimal": [],
                "shrink_credit": {},
                "_short": False,
            }
            for i, s in enumerate([strategy, *lanes])
        ]
        self._turns: Turns | None = None
        self._lane = 0
        self._pending: dict[int, Flight] = {}
        self._stop_next: str | None = None  # a lane ran out of budget: the next round stops
        # sending ahead (``send_ahead``): how many of this round's proposals were sent, and
        # per sentence sent and not yet judged, its batch and row
        self._ahead_at = 0
        self._ahead_off = False
        self._ahead_part: int | None = None  # proposals per part (made at a round's first)
        self._sent: dict[int, tuple[Flight, int]] = {}
        self._fail_next: BaseException | None = None  # a lane failed: raised next round
        # rounds per step (``lag``): each but the last shrinks while the next is drafted;
        # with lanes, one
        self._rounds = rounds
        self._lag: Lag | None = None  # (while a round shrinks and the next is drafted)
        self._lag_seen = (0, 0)  # (the last overlap's schedule: ``Lag``)
        self._waves = 0  # waves of the round's lazy shrinking done (``Lag``)
        # (the walks: their ``observe`` reads only the round's answers)
        self._lags = bool(getattr(strategy, "observe_later", False))

    @property
    def lanes(self) -> int:
        return len(self._ctx)

    def space_size(self, limit: int) -> int | None:
        """How many derivations the grammar has (counted once per run), or None when more
        than ``limit``."""
        if self._space_size is None:
            self._space_size = count_derivations(self.g, self.sampler.max_depth, cap=limit + 1)
        return self._space_size if self._space_size <= limit else None

    @property
    def uniform_sampler(self) -> Sampler:
        """The grammar's derivations drawn uniformly (its weights set aside; made once):
        where weighted draws keep repeating in a grammar too large to list."""
        if not self.sampler.weighted:
            return self.sampler
        if self._uniform is None:
            self._uniform = Sampler(self.g, max_depth=self.sampler.max_depth, weighted=False)
        return self._uniform

    def space(self, limit: int) -> list[Tree] | None:
        """Every derivation of the grammar in a fixed order (built once per run), or None
        when there are more than ``limit``."""
        if self.space_size(limit) is None:
            return None
        if self._space is None:
            self._space = list(enumerate_trees(self.g, self.sampler.max_depth))
        return self._space

    def space_skip(self) -> list[int]:
        """Per derivation of ``space``: itself, or a later place to look from when it is
        known judged (built with the list; see ``moves._unjudged``)."""
        if self._space_skip is None or len(self._space_skip) != len(self._space or ()):
            self._space_skip = list(range(len(self._space or ())))
        return self._space_skip

    # -- keys --------------------------------------------------------------------------------
    def texts(self, case: Case) -> list[str]:
        """The sentences of a case's variants (remembered for the cases of this round)."""
        return self._entry(case)[1]

    def _entry(self, case: Case) -> tuple[Case, list[str], list[int], int]:
        """A case, its variants' sentences, their keys and the case's key (``case_key``),
        made once per case (remembered by identity across rounds, bounded: a walker's
        drafts that come back are the same objects, ``moves.drafted``)."""
        got = self._texts.get(id(case))
        if got is not None and got[0] is case:
            return got
        # the same case drafted again (a walker that stays drafts many of the neighbours
        # it drafted before): its sentences are known (by value: cases are frozen)
        done = self._rendered.get(case)
        if done is None:
            if self._single:  # one sentence per case (a differential oracle)
                # (a drafted case's words are listed already: ``flat.Draft``)
                text = tree_text(case.tree) if case.draft is None else self._text_of(case.draft)
                key = text_key(text)
                done = ([text], [key], key)
            else:
                tx = [tree_text(t) for t in self.oracle.variants(case)]
                keys = [text_key(t) for t in tx]
                if len(tx) == 1 and not self._tagged:
                    key = keys[0]
                else:  # (an invariance case: its sentences in any order, ``unordered``)
                    unordered = case.relation >= 0 and self.oracle.unordered[case.relation]
                    said = sorted(tx) if unordered else tx
                    key = text_key(self.key(said, case))
                done = (tx, keys, key)
            if len(self._rendered) >= _RENDERED:
                self._rendered.clear()
            self._rendered[case] = done
        got = (case, *done)
        if len(self._texts) >= _RENDERED:
            self._texts.clear()
        self._texts[id(case)] = got
        return got

    def drafted_case(self, case: Case, path: tuple[int, ...], new: Tree, draft: Any) -> Case | None:
        """The case of ``case``'s tree with the subtree at ``path`` replaced by ``new``,
        whose ``flat.Draft`` is ``draft``; None when the oracle compares one sentence per
        case and this one was judged already (its sentence and key, made from the draft,
        are all the check needs: neither tree nor case is built).  A case made is
        remembered with its sentence and key."""
        if not self._single:
            return self.oracle.refocus(case, replace_at(case.tree, path, new), draft)
        text = self._text_of(draft)
        key = text_key(text)
        if key in self.keys:
            return None
        # (``Case(tree, draft=draft)``: the same case, its fields set as a frozen dataclass's
        # ``__init__`` sets them, without its four ``object.__setattr__`` calls)
        made = _new(Case)
        fields = made.__dict__
        fields["tree"] = replace_at(case.tree, path, new)
        fields["focus"] = None
        fields["relation"] = -1
        fields["draft"] = draft
        if len(self._texts) >= _RENDERED:
            self._texts.clear()
        self._texts[id(made)] = (made, [text], [key], key)
        return made

    def _text_of(self, draft: Any) -> str:
        """``flat.text(draft)``, from its words' ids when it has them (``Vocab.text``)."""
        ids = draft.ids
        if ids is not None:
            got = self.vocab.text(ids)
            if got is not None:
                return got
        return flat_text(draft)

    def case_key(self, case: Case) -> int:
        """The 64-bit key of ``key(case)`` (``text_key``), as ``keys`` holds them."""
        got = self._texts.get(id(case))  # (``_entry``'s first step, without its call)
        if got is not None and got[0] is case:
            return got[3]
        return self._entry(case)[3]

    def memo(self, what: str, case: Case, make: Any) -> Any:
        """``make(case)``, remembered for the cases of this round (by identity)."""
        key = (what, id(case))
        got = self._memo.get(key)
        if got is not None and got[0] is case:
            return got[1]
        value = make(case)
        self._memo[key] = (case, value)
        return value

    def lasting(self, what: str, case: Case, make: Any) -> Any:
        """``make(case)`` for what depends on the case alone, remembered across rounds (by
        identity, holding the case; bounded): walkers keep their case for several rounds."""
        key = (what, id(case))
        got = self._lasting.get(key)
        if got is not None and got[0] is case:
            return got[1]
        value = make(case)
        if len(self._lasting) >= _LASTING:
            self._lasting.clear()
        self._lasting[key] = (case, value)
        return value

    def flatten_case(self, case: Case) -> Flat:
        """The case's tree as flat lists, its words' ids too (``moves.flat_of`` keeps it)."""
        return flatten(case.tree, self.vocab)

    def key(self, case: Case | list[str], of: Case | None = None) -> str:
        """A case's key: its sentences joined (``of``: the case whose sentences ``case`` are),
        and its relation when two relations of the grammar make the same sentences (two
        expectations of one edit: each its own case, and its own findings)."""
        texts = case if isinstance(case, list) else self.texts(case)
        rel = of if isinstance(case, list) else case
        joined = _SEP.join(texts)
        return f"{joined}{_SEP}#{rel.relation}" if self._tagged and rel is not None else joined

    def is_new(self, case: Case) -> bool:
        return self.case_key(case) not in self.keys

    def judged(self, key: str) -> bool:
        """Whether the case with this ``key`` (``Engine.key``) was judged already."""
        return text_key(key) in self.keys

    # -- asking ------------------------------------------------------------------------------
    def evaluate(self, cases: list[Case], *, trim: bool = True) -> Evaluated | None:
        """Judge ``cases`` (in one model call, besides those sent ahead).  Cases whose new
        sentences would overrun the query budget are dropped from the end; None when not
        even one fits."""
        entries = [self._entry(c) for c in cases]
        asked = self.asked
        left = self.model.remaining()
        if left is not None and sum(len(e[2]) for e in entries) > left:
            # (with room for every sentence, none is dropped: nothing to count)
            new: set[int] = set()
            keep = 0
            for e in entries:
                fresh = {k for k in e[2] if k not in asked and k not in new}
                if len(new) + len(fresh) > left:
                    break
                new |= fresh
                keep += 1
            if keep < len(cases):
                if not trim or keep == 0:
                    return None
                cases, entries = cases[:keep], entries[:keep]
        texts = [e[1] for e in entries]
        flat = [t for tx in texts for t in tx]
        if not flat:
            return None
        flat_keys = [k for e in entries for k in e[2]]
        # what the statistics need of the new cases is made while the classifiers answer
        prepared: list[tuple[set[int], list[int]] | None] = []
        vocab = self.vocab

        def prepare() -> None:
            judged = self.keys
            prepared.extend(
                None if e[3] in judged else _stats_of(c, vocab)
                for c, e in zip(cases, entries, strict=True)
            )
            self._catch_up()

        out = self._predict(flat, flat_keys, prepare)
        if not prepared:
            prepare()
        self._watch(flat, out)
        for k in flat_keys:
            if k not in asked:
                asked.add(k)
                self._asked_log.append(k)
        outputs, i = [], 0
        for tx in texts:
            outputs.append(out[i : i + len(tx)])
            i += len(tx)
        first: list[bool] = []  # each case counted once in the oracle's figures
        seen_now: set[int] = set()
        for e in entries:
            first.append(e[3] not in self.keys and e[3] not in seen_now)
            seen_now.add(e[3])
        verdict = self.oracle.judge(outputs, cases, first)
        if self.oracle.metamorphic:
            self._judge_apart(entries, verdict, cases)
        got = Evaluated(cases, verdict, outputs)
        seen: list[int] = []  # productions of the new cases, each once per case
        seen_err: list[int] = []
        count_words = self.word_stats.count
        unjudged = [] if verdict.judged is None else [not j for j in verdict.judged]
        for at, (case, entry, err, prep) in enumerate(
            zip(cases, entries, verdict.error.tolist(), prepared, strict=True)
        ):
            key = entry[3]
            if key in self.keys:
                continue
            self.keys.add(key)
            self._keys_log.append(key)
            self.cases += 1
            self.errors += int(err)
            lost = bool(unjudged and unjudged[at])
            if self.cases <= CASE_KEYS:  # (-2: a case of no test, as a unit's tally reads it)
                self.case_keys.append([-key - 1 if err else key, -2 if lost else case.relation])
            if case.relation >= 0 and not lost:
                # (a case no classifier answered as its test needs is none of the test's:
                # an LLM's refusals counted toward its 30 cases; llm45t)
                tally = self.per_test[case.relation]
                tally[0] += 1
                tally[1] += int(err)
                if tally[0] <= TEST_KEYS:
                    self.test_keys[case.relation].append(-key - 1 if err else key)
            prods, parts = _stats_of(case, vocab) if prep is None else prep
            seen.extend(prods)
            if err:
                seen_err.extend(prods)
            count_words(parts, err)
        n_prod = self.g.n_productions
        if seen:
            self.prod_n += np.bincount(np.asarray(seen, dtype=np.int64), minlength=n_prod)
        if seen_err:
            self.prod_err += np.bincount(np.asarray(seen_err, dtype=np.int64), minlength=n_prod)
        return got

    def _catch_up(self) -> None:
        """Do the work put off to a wait for the classifiers (``_later``), if any."""
        work, self._later = self._later, None
        if work is not None:
            work()

    def _judge_apart(self, entries: list[Any], verdict: Any, cases: list[Case]) -> None:
        """A metamorphic case whose variants are all its sentence itself (a class whose
        members derive the same words, ``N -> X | Y``, ``X -> "tea"``, ``Y -> "tea"``; an
        edit into an empty symbol) could not fail: it is no error, and a run of no other
        case tested nothing (``apart``, ``untested``).  A minimum functionality test's case
        is its sentence alone: judged as it is."""
        alone, apart = self.oracle.alone, self.apart_tests
        for i, e in enumerate(entries):
            r = cases[i].relation
            if len(set(e[2])) > 1 or (alone and alone[r]):
                self.apart = True
                if 0 <= r < len(apart):
                    apart[r] = True
            elif verdict.error[i]:
                verdict.error[i] = False
                verdict.margin[i] = max(float(verdict.margin[i]), 1e-6)

    def _watch(self, flat: list[str], out: np.ndarray) -> None:
        if not self.wordy:
            self.wordy = any(t.strip() for t in flat)
        if not len(out):
            return
        self.label_watch.see(self.oracle.layout, out)
        if self.varied and (self.still is None or not any(self.still)):
            return
        rows = np.asarray(out, dtype=np.float64).reshape(len(out), -1)
        if self.first_answer is None or len(self.first_answer) != rows.shape[1]:
            self.first_answer = rows[0].tolist()
            self.still = [True] * rows.shape[1]
        # NaN != NaN: an answer with NaN counts as varied (never taken for a constant)
        same = (rows == np.asarray(self.first_answer)).all(axis=0)
        self.varied = self.varied or not bool(same.all())
        if self.still is not None:
            self.still = (np.asarray(self.still) & same).tolist()

    def untested(self) -> str | None:
        """Why no sentence could have failed (``None``: the run tested something)."""
        return untested_reason(self)

    # -- steering ----------------------------------------------------------------------------
    def lift(self) -> np.ndarray:
        """Error rate with each production over the overall error rate (smoothed)."""
        base = (self.errors + 1) / (self.cases + 2)
        rate = (self.prod_err + base * 2) / (self.prod_n + 2)
        out: np.ndarray = rate / base
        return out

    # -- one round ---------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done

    def step(self) -> list[FindingBatch]:
        # a round makes and drops hundreds of thousands of small tuples (trees, candidate
        # lists, memo entries) and must make no reference cycle (a closure calling itself is
        # one: frozen below, it is never freed; ``test_text_bounded`` counts what is left
        # after a run's rounds): the cyclic collector, run over the
        # memos' long-lived entries again and again, took a third of the search's own time.
        # It is paused for the round; what the round kept (walkers, memos, known errors) is
        # then frozen (``gc.freeze``: never scanned again, still freed when no longer
        # referenced), else scanning it after every round cost a fifth of the search's own
        # CPU.  ``thaw`` gives the collector everything back when the run ends
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            if self._fail_next is not None:
                failure, self._fail_next = self._fail_next, None
                raise failure
            if self._stop_next is not None:
                reason, self._stop_next = self._stop_next, None
                raise BudgetExhausted("budget spent", reason=reason)
            if len(self._ctx) == 1:
                return self._step()
            return self._step_lanes()
        finally:
            if paused:
                if "host" not in _FROZEN:  # (before the run's first freeze; counting walks
                    # every frozen object: once a run, not a round)
                    _FROZEN["host"] = gc.get_freeze_count()
                gc.freeze()
                gc.enable()

    def _step_lanes(self) -> list[FindingBatch]:
        """One round of every lane, the lanes taking turns (each on a thread of its own, one
        running at a time).  A lane that ran out of budget ends the search at the next round
        (the others' findings of this one are returned); any other failure is raised."""
        n = len(self._ctx)
        found: list[list[FindingBatch]] = [[] for _ in range(n)]
        errors: list[BaseException | None] = [None] * n
        turns = self._turns = Turns(n)
        t0, m0 = time.perf_counter(), self.model.model_seconds
        seconds = self.search_seconds

        def lane(i: int) -> None:
            try:
                turns.wait(i)
                restore(self, self._ctx[i])
                self._lane = i
                found[i] = self._step()
            except BaseException as exc:  # handed to the search's thread
                errors[i] = exc
            finally:
                self._ctx[i] = {a: getattr(self, a) for a in LANE}
                turns.end(i)

        threads = [
            threading.Thread(target=lane, args=(i,), name=f"assay-text-lane-{i}", daemon=True)
            for i in range(n)
        ]
        try:
            for t in threads:
                t.start()
            turns.wait_all()
            for t in threads:
                t.join()
        finally:
            self._turns = None
            restore(self, self._ctx[0])
            self._lane = 0
            # the lanes' time overlaps: the round's wall time less the classifiers' own
            self.search_seconds = seconds + max(
                0.0, (time.perf_counter() - t0) - (self.model.model_seconds - m0)
            )
        out = [b for f in found for b in f]
        self._failed_after(errors, bool(out))
        return out

    def _failed_after(self, errors: list[BaseException | None], found: bool) -> bool:
        """Whether a step's threads (lanes; a lagged step's shrinking and drafting) failed:
        the first failure is raised when the step found nothing (or it is an interrupt);
        else what was found is returned (and committed) and the failure ends the search at
        the next step."""
        failed = [e for e in errors if e is not None]
        if not failed:
            return False
        first = failed[0]
        if not found or isinstance(first, KeyboardInterrupt):
            raise first
        if all(isinstance(e, BudgetExhausted) for e in failed):
            self._stop_next = getattr(first, "reason", None) or "queries"
        else:
            self._fail_next = first
        return True

    def _step(self) -> list[FindingBatch]:
        t0 = time.perf_counter()
        m0 = self.model.model_seconds
        self.draws.restart()  # every round draws afresh: resumable exactly
        try:
            if self._rounds > 1 and len(self._ctx) == 1 and self._lags:
                return step_lagged(self, self._rounds)
            cases = self.propose_round()
            if not cases:
                return []
            return self.shrink_round(self.judge_round(cases))
        finally:
            # the round's memos go now, not at the next round: the cyclic collector, resumed
            # after the round, need not scan them
            self._memo = {}
            self._sent = {}  # (all read by ``evaluate``, unless the round failed)
            self.search_seconds += (time.perf_counter() - t0) - (self.model.model_seconds - m0)

    def propose_round(self) -> list[Case]:
        """The strategy's proposals for a round (parts of them sent ahead as drafted); none
        when it has none (``done`` set when it never will)."""
        self._memo = {}
        self._ahead_at, self._ahead_off, self._sent = 0, False, {}
        self._ahead_part = None
        if self.strategy.done:
            self._done = True
            self.stop_reason = self.stop_reason or "space"
            return []
        n = self.batch
        left = self.model.remaining()
        if left is not None:  # keep room to shrink what the last rounds find
            n = max(1, min(n, left // 4))
        cases: list[Case] = self.strategy.propose(self, n)
        if not cases and self.strategy.done:
            self._done = True
            self.stop_reason = self.stop_reason or "space"
        return cases

    def judge_round(self, cases: list[Case]) -> Evaluated:
        """Ask and judge a round's proposals; the strategy observes them (now, or while the
        classifiers answer the round's first shrinking batch: ``observe_later``)."""
        got = self.evaluate(cases)
        if got is None:
            raise BudgetExhausted("query budget spent", reason="queries")
        self.search_errors += int(got.error.sum())
        self.proposed += len(got.cases)
        strategy = self.strategy
        if getattr(strategy, "observe_later", False) and self._turns is None:
            # while the classifiers answer the first shrinking batch (``evaluate``):
            # nothing that shrinking does reads what ``observe`` changes
            self._later = lambda: strategy.observe(self, got)
        else:
            strategy.observe(self, got)
        return got

    def shrink_round(self, got: Evaluated) -> list[FindingBatch]:
        """Shrink a judged round's new errors; what shrinking cost and found is told to the
        strategy (``shrunk``, ``minimal_found``)."""
        self.new_minimal = []
        self.shrink_credit = {}
        try:
            found = self._findings(got)
        finally:
            self._catch_up()
        told = getattr(self.strategy, "shrunk", None)
        if told is not None and self.shrink_credit:
            told(self, self.shrink_credit)
        tell = getattr(self.strategy, "minimal_found", None)
        if tell is not None and self.new_minimal:
            tell(self, self.new_minimal)
        return found

    def _findings(self, got: Evaluated) -> list[FindingBatch]:
        self._waves = 0
        failing = [i for i in np.flatnonzero(got.error).tolist()]
        if not failing:
            return []
        if self.shrinker is None or not getattr(self.strategy, "lazy_shrink", False):
            try:
                rows = self._shrink_rows(got, failing)
            except ShrinkFailed as cut:
                self._failed_shrinking(cut.rows, cut.error)
                rows = cut.rows
        else:
            # lazily: the smallest errors first, in waves; an error holding a minimal error
            # found by an earlier wave is not shrunk (it would shrink toward it)
            failing.sort(key=lambda i: (case_size(got.cases[i]), i))
            wave = max(_WAVE, -(-len(failing) // 4))
            rows = []
            for at in range(0, len(failing), wave):
                try:
                    rows.extend(self._shrink_rows(got, failing[at : at + wave]))
                except ShrinkFailed as cut:  # this wave's errors kept as far as shrunk
                    rows.extend(cut.rows)
                    self._failed_shrinking(rows, cut.error)
                    break
                except (ModelError, BudgetExhausted) as exc:
                    # the earlier waves' minimal errors are the run's (counted in its
                    # summary): returned to be stored, the failure raised at the next step
                    # (a quota ending mid-round left "16 distinct minimal" beside 0 stored)
                    if not rows:
                        raise
                    self._fail_next = exc
                    break
                self._waves += 1
        if not rows:
            return []
        return [self._batch(rows)]

    def _failed_shrinking(self, rows: list[dict[str, Any]], error: ModelError) -> None:
        """A classifier failed while the round's errors were shrunk: with errors kept
        (``rows``, each as far as it was shrunk) they are returned to be stored and the
        failure raised at the next step; with none, raised now."""
        if not rows:
            raise error
        self._fail_next = error

    def _shrink_rows(self, got: Evaluated, failing: list[int]) -> list[dict[str, Any]]:
        """Shrink the failing cases at ``failing`` of ``got``; the records of the new
        minimal errors (the others are counted as duplicates).  A classifier failing while
        they are shrunk raises ``ShrinkFailed`` holding them, each as far as it was shrunk
        (they were found before the failure: a run failing there kept none of them)."""
        known: dict[int, str] = {}  # position in ``failing`` -> a known minimal key
        if self.shrinker is not None and getattr(self.strategy, "lazy_shrink", False):
            for j, i in enumerate(failing):
                hit = self._known_within(got.cases[i], signature(got.detail[i]))
                if hit is not None:
                    known[j] = hit
        for j in known:  # contains a known minimal error failing the same way: a duplicate
            self._count(known[j])
        failing = [i for j, i in enumerate(failing) if j not in known]
        if not failing:
            return []
        originals = [got.cases[i] for i in failing]
        q0, e0 = self.model.queries, self.errors
        if self.shrinker is not None:

            def judge(cands: list[Case]) -> list[str | None] | None:
                if failed:  # (no call after a failure)
                    return None
                try:
                    ev = self.evaluate(cands)
                except BudgetExhausted:  # the time budget: keep what is confirmed so far
                    return None
                except ModelError as exc:  # kept so far, the failure raised after
                    failed.append(exc)
                    return None
                if ev is None:
                    return None
                got: list[str | None] = [
                    signature(d) if e else None
                    for e, d in zip(ev.error.tolist(), ev.detail, strict=True)
                ]
                if len(got) < len(cands):  # the budget cut the round short
                    self._short = True
                return got + [None] * (len(cands) - len(got))

            self._short = False
            failed: list[ModelError] = []
            sigs = [signature(got.detail[i]) for i in failing]
            minimal, complete = self.shrinker.shrink(originals, judge, sigs)
            if not complete or self._short or failed:
                self.shrink_incomplete += len(originals)
        else:
            minimal, failed = originals, []
        share_q = (self.model.queries - q0) / len(failing)
        share_e = (self.errors - e0) / len(failing)
        for i in failing:
            self.shrink_credit[i] = [share_q, share_e, 0.0]
        # outputs and verdicts of the minimal forms (cached: no new queries)
        try:
            final = self.evaluate(minimal, trim=False) if minimal else None
        except BudgetExhausted:
            final = None
        except ModelError as exc:  # (its cases were answered before: not expected)
            failed.append(exc)
            final = None
        rows: list[dict[str, Any]] = []
        for j, (orig_i, small) in enumerate(zip(failing, minimal, strict=True)):
            key = self._as_known(self.key(small), small.relation)
            if key in self.minimal:
                self._count(key)
                continue
            if (
                final is not None
                and bool(final.error[j])
                and signature(final.detail[j]) == signature(got.detail[orig_i])
            ):
                margin = float(final.margin[j])
                detail = final.detail[j]
                small_out = final.outputs[j]
            else:  # shrinking could not be confirmed: keep the original
                small = got.cases[orig_i]
                key = self._as_known(self.key(small), small.relation)
                if key in self.minimal:
                    self._count(key)
                    continue
                margin = float(got.margin[orig_i])
                detail = got.detail[orig_i]
                small_out = got.outputs[orig_i]
            texts = self.texts(small)
            orig_texts = self.texts(got.cases[orig_i])
            at = int(detail.get("variant", 1))
            rec = {
                "sentence": texts[0],
                "variant": texts[at] if len(texts) > at else "",
                "original": orig_texts[0],
                "count": 1,
                "margin": margin,
                "words": case_size(small)[0],
                "detail": detail,
                "outputs": np.asarray(small_out)[[0, at] if len(small_out) > at else [0]].tolist(),
                "productions": sorted(set(tree_productions(small.tree))),
                "relation": small.relation,  # (a directional finding is replayed by it)
            }
            self.minimal[key] = rec
            self._minimal_new.append(key)
            rec["signature"] = signature(detail)
            self.new_minimal.append(small)
            self.shrink_credit[orig_i][2] = 1.0
            self._remember(key, rec["signature"], small.relation)
            rows.append({**rec, "orig_out": got.outputs[orig_i][0]})
        if failed:
            raise ShrinkFailed(rows, failed[0])
        return rows

    def _count(self, key: str) -> None:
        """One more case shrinking to the known minimal error ``key``."""
        self.minimal[key]["count"] += 1
        self._counted.add(key)

    def known_core(self, case: Case) -> str | None:
        """The key of the smallest known minimal error (failing in any way) whose words the
        sentences of ``case`` keep in order: the part of ``case`` that fails, as far as the
        run knows (None when it holds none)."""
        return self._known_within(case, None)

    def _remember(self, key: str, sig: str, relation: int = -1) -> None:
        self._known.add(key, sig, _SEP)
        unordered = self._unordered(key, relation)
        if unordered is not None:
            self._pairs.setdefault(unordered, key)

    def _as_known(self, key: str, relation: int) -> str:
        """The known minimal error ``key`` is, its sentences in any order for an invariance
        test (the pair found from "great" is the one found from "good"); else ``key``."""
        unordered = self._unordered(key, relation)
        return key if unordered is None else self._pairs.get(unordered, key)

    def _unordered(self, key: str, relation: int) -> str | None:
        """``key``'s sentences sorted, when the test ``relation`` is an invariance class's
        (``Oracle.unordered``); None otherwise."""
        unordered = self.oracle.unordered
        if not 0 <= relation < len(unordered) or not unordered[relation]:
            return None
        parts = key.split(_SEP)
        tag = [parts.pop()] if self._tagged else []  # (its relation's ``#N``, last)
        return _SEP.join([*sorted(parts), *tag])

    def _known_within(self, case: Case, sig: str | None) -> str | None:
        """A known minimal error that fails the same way as ``case`` and whose every sentence
        keeps a subsequence of the words of ``case``'s: ``case`` would shrink toward it (it
        was confirmed failing and minimal when found; asking again costs nothing).  None when
        there is none.  The smallest such one is chosen.  With ``sig`` None: failing in any
        way (the first smallest, signatures in the order they were first seen)."""
        if not len(self._known):
            return None
        draft = case.draft
        if self._single and draft is not None and draft.ids is not None:
            # (its sentence's words as ids, from its words' ids: no sentence split)
            ids = self.vocab.rendered(draft.ids)
            if ids is not None:
                return self._known.within_ids([ids], sig)
        return self._known.within(self.texts(case), sig)

    def _batch(self, rows: list[dict[str, Any]]) -> FindingBatch:
        width = self.oracle.layout.width
        outs = np.zeros((len(rows), 2, width))
        for i, r in enumerate(rows):
            outs[i, 0] = r["outputs"][0]
            outs[i, 1] = r["orig_out"]
        margin = np.array([r["margin"] for r in rows])
        # each classifier's label, joined so that they read back as they were (``core.labels``)
        labels = [join_labels(_label_text(r["detail"])) for r in rows]
        return FindingBatch(
            kind=f"text-{self.oracle.kind}",
            inputs=np.array([[r["sentence"], r["original"]] for r in rows], dtype=str),
            outputs=outs,
            severity=np.clip(-margin, 1e-6, 1.0),
            columns={
                "margin": margin,
                "variant": np.array([r["variant"] for r in rows], dtype=str),
                "labels": np.array(labels, dtype=str),
                "minimal_words": np.array([r["words"] for r in rows], dtype=np.int64),
                # the relation a finding broke (``assay verify`` replays a directional one
                # by it; ``findings()`` names it: ``details["tests"]``)
                **(
                    {"relation": np.array([r.get("relation", -1) for r in rows], dtype=np.int64)}
                    if self.oracle.metamorphic
                    else {}
                ),
                # which classifiers failed the test (of several: the labels show them all)
                **(
                    {
                        "failed": np.array(
                            [join_labels(list(r["detail"].get("failed") or [])) for r in rows],
                            dtype=str,
                        )
                    }
                    if self.oracle.metamorphic and len(self.oracle.layout.names) > 1
                    else {}
                ),
            },
            details={
                "inputs": ["minimal sentence", "sentence found"],
                "classifiers": list(self.oracle.layout.names),
                "columns": [
                    f"{n}: {lab}"
                    for n, labs in zip(
                        self.oracle.layout.names, self.oracle.layout.labels, strict=True
                    )
                    for lab in labs
                ],
                **({"tests": self.oracle.tests} if self.oracle.metamorphic else {}),
            },
        )


_FROZEN: dict[str, int] = {}  # objects the program had frozen itself before a run froze any


def thaw() -> None:
    """Give the cyclic collector back what ``Engine.step`` froze (at the end of a run).  A
    program that had frozen objects itself (``gc.freeze()`` before forking workers, as
    servers do) keeps them frozen: unfreezing would give it back its own too, so the run's
    stay frozen with them (freed when unreferenced, as any object; only their cycles wait)."""
    host = _FROZEN.pop("host", None)
    if host == 0:  # (None: no round froze anything since the last thaw)
        gc.unfreeze()


def _stats_of(case: Case, vocab: Vocab) -> tuple[set[int], list[int]]:
    """A case's productions and words' ids (a phrase's words each: ``Vocab.parts``), for the
    statistics (a tree's words are the terminals of its productions, ``Vocab.prod_words``;
    a drafted case's are read from its ``flat.Draft``)."""
    draft = case.draft
    if draft is not None:  # (its words: the terminals of its productions, empty ones aside)
        prods = set(draft.prods)
        ids = draft.ids
        used = set(vocab.of(draft.words) if ids is None else ids)
    else:
        prods = set(tree_productions(case.tree))
        terms = vocab.prod_words
        used = set()
        for p in prods:
            if terms[p]:
                used.update(terms[p])
    # each word once per case, as each production: "the food ..., but the room ..." holds
    # "the" in two terminals, and counting it twice gave a word in every sentence a lift of
    # 1.21 and more cases than the run judged (905 of 598; audit46t)
    parts = vocab.parts
    return prods, list(dict.fromkeys([p for w in used for p in parts[w]]))


def _label_text(detail: dict[str, Any]) -> list[str]:
    labels = detail.get("labels", [])
    if detail.get("failed") is not None:
        return [f"{' -> '.join(dict.fromkeys(x))}" for x in labels]
    return [str(x) for x in labels]
