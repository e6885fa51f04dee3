"""The text engine's resume state: what a checkpoint writes (``snapshot``: counts and
statistics as values, the productions used as arrays, the sentences asked and the minimal
errors found since the last checkpoint appended) and how a run reads it back (``restore``,
which also reads the states earlier versions stored)."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.core.checkpoint import Snapshot, from_json_lines, json_lines
from assay.text.known import KnownErrors, signature
from assay.text.segment import Words

if TYPE_CHECKING:
    from assay.text.grammar import Grammar
    from assay.text.label_watch import LabelWatch
    from assay.text.oracle import Oracle
    from assay.text.vocab import Vocab, WordStats

__all__ = ["EngineState", "key_set", "text_key"]


class EngineState:
    """The engine's checkpoints (a part of ``text.engine.Engine``)."""

    g: Grammar
    strategy: Any
    oracle: Oracle
    cases: int
    per_test: list[list[int]]
    test_keys: list[list[int]]
    case_keys: list[list[int]]
    _case_keys_logged: int
    errors: int
    search_errors: int
    proposed: int
    prod_n: np.ndarray
    prod_err: np.ndarray
    vocab: Vocab
    word_stats: WordStats
    minimal: dict[str, dict[str, Any]]
    shrink_incomplete: int
    stop_reason: str | None
    _done: bool
    search_seconds: float
    stalled: bool
    first_answer: list[float] | None
    varied: bool
    still: list[bool] | None
    label_watch: LabelWatch
    wordy: bool
    apart: bool
    apart_tests: list[bool]
    asked: set[int]
    keys: set[int]
    _asked_log: list[int]
    _keys_log: list[int]
    _minimal_new: list[str]
    _counted: set[str]
    _known: KnownErrors
    _words: Words
    _pairs: dict[str, str]
    _ctx: list[dict[str, Any]]
    _stop_next: str | None

    @property
    def words(self) -> dict[str, list[int]]:
        """The statistics of words (cases judged with each, and failing) by word string, in
        the order words were first counted: made when read (a checkpoint's ``words_json``,
        a summary, a unit's statistics); the search keeps them by word id."""
        return self.word_stats.as_dict()

    def _remember(self, key: str, sig: str, relation: int = -1) -> None:
        """Record a known minimal error (``Engine``'s).  A method here, not an attribute's
        annotation: a class compiled by mypyc reads a declared attribute, never the
        subclass's method of that name."""
        raise NotImplementedError

    def snapshot(self) -> Snapshot:
        snap = Snapshot(
            values={
                "cases": self.cases,
                "errors": self.errors,
                "per_test": self.per_test,
                "test_keys": self.test_keys,
                "search_errors": self.search_errors,
                "proposed": self.proposed,
                # one JSON text (copied for the store as one object: ``core.run._detached``)
                "words_json": json.dumps(self.words, separators=(",", ":")),
                "shrink_incomplete": self.shrink_incomplete,
                "stop_reason": self.stop_reason,
                "done": self._done,
                "search_seconds": self.search_seconds,
                "stalled": self.stalled,
                "first_answer": self.first_answer,
                "varied": self.varied,
                "still": self.still,
                "label_watch": self.label_watch.state(),
                "wordy": self.wordy,
                "apart": self.apart,
                "apart_tests": self.apart_tests,
                "strategy": self.strategy.state(),
                "lanes": [c["strategy"].state() for c in self._ctx[1:]],
                "stop_next": self._stop_next,
                # top-1 sentences judged, and those compared (every label a counterpart)
                "judged": self.oracle.judged,
                "compared": self.oracle.compared,
                "without": self.oracle.without_state(),
                "largest_distance": self.oracle.largest,
            }
        )
        # the productions used so far and their counts (a grammar of 50,000 productions
        # whose every count was copied and written at each checkpoint took 0.4 s a time)
        used = np.flatnonzero(self.prod_n)
        snap.arrays["prod_used"] = used.astype(np.int64)
        snap.arrays["prod_n"] = self.prod_n[used]
        snap.arrays["prod_err"] = self.prod_err[used]
        snap.appends["asked"] = np.array(self._asked_log, dtype=np.uint64)
        snap.appends["keys"] = np.array(self._keys_log, dtype=np.uint64)
        # the case keys kept since the last snapshot: each key, and its test and failure
        new = self.case_keys[self._case_keys_logged :]
        if new:
            snap.appends["case_keys"] = np.array(
                [-k - 1 if k < 0 else k for k, _ in new], dtype=np.uint64
            )
            snap.appends["case_tags"] = np.array(
                [(r + 1) * 2 + (k < 0) for k, r in new], dtype=np.int64
            )
            self._case_keys_logged = len(self.case_keys)
        self._asked_log, self._keys_log = [], []
        self._minimal_appends(snap)
        return snap

    def restore(self, snap: Snapshot) -> None:
        v = snap.values
        self.cases = int(v.get("cases", 0))
        # (a run checkpointed before 2026-12-05 counted no test: from 0 on)
        self.per_test = [[int(c), int(e)] for c, e in v.get("per_test") or self.per_test]
        # (a run checkpointed before text36 kept none: its merged counts add up as before)
        kept = v.get("test_keys")
        self.test_keys = (
            [[int(x) for x in keys] for keys in kept]
            if isinstance(kept, list) and len(kept) == len(self.per_test)
            else [[] for _ in self.per_test]
        )
        self.errors = int(v.get("errors", 0))
        self.search_errors = int(v.get("search_errors", 0))
        self.proposed = int(v.get("proposed", 0))
        used = snap.arrays.get("prod_used")
        if used is not None:
            n_prod = self.g.n_productions
            self.prod_n = np.zeros(n_prod, dtype=np.int64)
            self.prod_err = np.zeros(n_prod, dtype=np.int64)
            self.prod_n[used] = snap.arrays["prod_n"]
            self.prod_err[used] = snap.arrays["prod_err"]
        else:  # a state stored before: every count, in values
            self.prod_n = np.asarray(v.get("prod_n", self.prod_n.tolist()), dtype=np.int64)
            self.prod_err = np.asarray(v.get("prod_err", self.prod_err.tolist()), dtype=np.int64)
        words = json.loads(v["words_json"]) if "words_json" in v else v.get("words", {})
        self.word_stats.load(dict(words))
        # the records as JSON lines in appends, then the counts changed since, in order; a
        # state stored before them holds every record in values (as JSON text, or before
        # that as records)
        self.minimal = {}
        if "minimal_json" in v:
            counts = dict(v.get("minimal_counts", {}))
            for key, text in dict(v["minimal_json"]).items():
                rec = json.loads(text)
                rec["count"] = int(counts.get(key, rec.get("count", 1)))
                self.minimal[key] = rec
        else:
            self.minimal = dict(v.get("minimal", {}))
        for line in from_json_lines(snap.appends.get("minimal")):
            self.minimal[str(line["key"])] = dict(line["record"])
        for changed in from_json_lines(snap.appends.get("minimal_counts")):
            for key, n in changed.items():
                self.minimal[key]["count"] = int(n)
        self._minimal_new, self._counted = [], set()
        self._known, self._pairs = KnownErrors(self._words.words, self.vocab), {}
        for key, rec in self.minimal.items():
            sig = str(rec.get("signature") or signature(rec["detail"]))
            self._remember(key, sig, int(rec.get("relation", -1)))
        self.shrink_incomplete = int(v.get("shrink_incomplete", 0))
        self.stop_reason = v.get("stop_reason")
        self._done = bool(v.get("done", False))
        self.search_seconds = float(v.get("search_seconds", 0.0))
        self.stalled = bool(v.get("stalled", False))
        first = v.get("first_answer")
        self.first_answer = None if first is None else [float(x) for x in first]
        # a state stored before the watch: taken as varied and worded (never judged untested)
        self.varied = bool(v.get("varied", True))
        still = v.get("still")
        self.still = None if still is None else [bool(x) for x in still]
        self.label_watch.load(v.get("label_watch"))
        self.wordy = bool(v.get("wordy", True))
        self.apart = bool(v.get("apart", True))
        # (a state stored before: every test taken as apart, never judged untested)
        told = v.get("apart_tests")
        self.apart_tests = (
            [bool(x) for x in told]
            if isinstance(told, list) and len(told) == len(self.per_test)
            else [True for _ in self.per_test]
        )
        self.strategy.load(dict(v.get("strategy", {})))
        for c, st in zip(self._ctx[1:], v.get("lanes", []), strict=False):
            c["strategy"].load(dict(st))
        self._stop_next = v.get("stop_next")
        self.oracle.judged = int(v.get("judged", 0))
        self.oracle.compared = int(v.get("compared", 0))
        self.oracle.load_without(v.get("without"))
        self.oracle.largest = float(v.get("largest_distance", 0.0))
        asked = snap.appends.get("asked")
        keys = snap.appends.get("keys")
        self.asked = key_set(asked)
        self.keys = key_set(keys)
        self._asked_log, self._keys_log = [], []
        # (a run checkpointed before units36 kept none: its merged figures add up as before)
        case_keys, tags = snap.appends.get("case_keys"), snap.appends.get("case_tags")
        self.case_keys = (
            [
                [-int(k) - 1 if t % 2 else int(k), int(t) // 2 - 1]
                for k, t in zip(case_keys.tolist(), tags.tolist(), strict=True)
            ]
            if case_keys is not None and tags is not None and len(case_keys) == len(tags)
            else []
        )
        self._case_keys_logged = len(self.case_keys)

    def _minimal_appends(self, snap: Snapshot) -> None:
        """The minimal records new since the last snapshot, and the counts changed since it,
        as JSON lines appended to ``snap`` (a checkpoint writes what is new, not the set)."""
        if self._minimal_new:
            new = self._minimal_new
            snap.appends["minimal"] = json_lines(
                [{"key": k, "record": self.minimal[k]} for k in new]
            )
            self._counted.difference_update(new)  # their records carry their counts
        if self._counted:
            changed = {k: self.minimal[k]["count"] for k in sorted(self._counted)}
            snap.appends["minimal_counts"] = json_lines([changed])
        self._minimal_new, self._counted = [], set()


def key_set(stored: np.ndarray | None) -> set[int]:
    """Keys from the resume state (texts, as stored before keys were)."""
    if stored is None:
        return set()
    if stored.dtype.kind in "USO":
        return {text_key(str(t)) for t in stored.tolist()}
    return {int(k) for k in stored.tolist()}


def text_key(text: str) -> int:
    """A sentence's (or a case's texts') 64-bit key: the same in every process, so that the
    resume state holds 8 bytes per sentence asked, not the sentence."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
