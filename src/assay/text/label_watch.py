"""Which classifiers gave one label to every sentence asked, their scores varying.

An invariance test judges a swap by the label it changes, and a differential test in top-1
mode by the labels the classifiers give: a classifier whose top label never moved (a wrapper
fed the wrong form, a threshold nothing reaches) could not fail either, although its
probabilities differ from sentence to sentence and the watch of whole answers
(``Engine._watch``: ``varied``, ``still``) takes it as tested.  Such a run is never a pass
(``untested``: "nothing was tested")."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.text.grammar import Invariant
from assay.text.panel import Layout

__all__ = ["LabelWatch", "watch_of"]


def watch_of(oracle: Any) -> LabelWatch | None:
    """The watch an oracle's verdicts need: of labels (invariance, a suite with invariance
    tests, differential top-1), of top-k sets (differential top-k), or none (directional,
    expect, distance: judged by scores or each sentence alone)."""
    if oracle.kind == "invariance" or (oracle.kind == "differential" and oracle.mode == "top1"):
        return LabelWatch()
    if oracle.kind == "suite" and any(isinstance(r, Invariant) for r in oracle.relations):
        return LabelWatch()  # (a suite's invariance tests: ``summary.one_label``)
    if oracle.kind == "differential" and oracle.mode == "topk":
        return LabelWatch(top_k=int(oracle.k))
    return None


class LabelWatch:
    """Per classifier: the label (as the oracle compares it: ``Layout.compared``) of the first
    sentence asked, and whether every sentence since got it too."""

    def __init__(self, top_k: int | None = None) -> None:
        # ``top_k``: a differential run in --mode topk compares the sets of each
        # classifier's k most likely common labels: those are watched (as a bit mask)
        self.top_k = top_k
        self.first: list[int] | None = None
        self._still: list[bool] | None = None
        self.blind = False  # (units merged: one was not watched)

    @property
    def still(self) -> list[bool] | None:
        """Per classifier: whether every sentence it answered got its first label (False
        for one that answered none: it is no classifier of one label, and a run none of
        whose cases it answered says so, ``Oracle.never_compared``)."""
        if self._still is None or self.first is None:
            return self._still
        return [s and f >= 0 for s, f in zip(self._still, self.first, strict=True)]

    @still.setter
    def still(self, value: list[bool] | None) -> None:
        self._still = value

    @property
    def moved(self) -> bool:
        """Whether every classifier's label has moved (nothing more to watch)."""
        return self._still is not None and not any(self._still)

    def see(self, layout: Layout, out: np.ndarray) -> None:
        """Watch a batch of answers (one row per sentence, the panel's columns)."""
        if not len(out) or self.moved or len(layout.names) != len(layout.offsets):
            return
        rows = np.asarray(out, dtype=np.float64).reshape(len(out), -1)
        if rows.shape[1] != layout.width:
            return
        tops = [self._keys(layout, rows, k) for k in range(len(layout.names))]
        said = [self._answered(layout, rows, k) for k in range(len(layout.names))]
        if self.first is None or self._still is None or len(self.first) != len(tops):
            self.first = [int(t[a][0]) if a.any() else -1 for t, a in zip(tops, said, strict=True)]
            self._still = [True] * len(tops)
        for k, (t, a) in enumerate(zip(tops, said, strict=True)):
            if not a.any():
                continue  # (no answer from it in this batch: nothing moved)
            if self.first[k] < 0:  # (its first answer: no answer until now)
                self.first[k] = int(t[a][0])
            self._still[k] = self._still[k] and bool((t[a] == self.first[k]).all())

    @staticmethod
    def _answered(layout: Layout, rows: np.ndarray, k: int) -> np.ndarray:
        """The rows classifier ``k`` gave an answer to (no answer, ``panel.silent_labels``:
        an LLM's refusal, never a label that moved; before llm45t a classifier answering one
        label and refusals was taken as tested, and its invariance run passed)."""
        top = np.argmax(layout.block(rows, k), axis=1)
        if not layout.no_answer(k, top):
            return np.ones(len(rows), dtype=bool)
        answered: np.ndarray = ~np.asarray(layout.silent[k], dtype=bool)[top]
        return answered

    def _keys(self, layout: Layout, rows: np.ndarray, k: int) -> np.ndarray:
        """Classifier ``k``'s answers as the oracle compares them: its label, or (top-k) its
        k most likely common labels as a bit mask."""
        if self.top_k is None:
            return layout.compared(k, np.argmax(layout.block(rows, k), axis=1))
        top = min(self.top_k, len(layout.common))
        order = np.argsort(-layout.aligned(rows, k), axis=1, kind="stable")[:, :top]
        masks: np.ndarray = np.left_shift(np.int64(1), order.astype(np.int64)).sum(axis=1)
        return masks

    def label(self, layout: Layout, k: int) -> str:
        """Classifier ``k``'s one label (or top-k set of labels), in its own words."""
        assert self.first is not None
        c = self.first[k]
        if c < 0:
            return "no answer"
        n = len(layout.common)
        if self.top_k is not None:
            return "{" + ", ".join(layout.common[i] for i in range(n) if c >> i & 1) + "}"
        return layout.common[c] if c < n else layout.labels[k][c - n]

    def state(self) -> dict[str, Any]:
        return {"first": self.first, "still": self._still, "top_k": self.top_k}

    def load(self, state: Any) -> None:
        """A state stored by ``state`` (None, a run stored before the watch: not watched,
        never judged untested by it)."""
        self.first = self._still = None
        if isinstance(state, dict) and state.get("top_k") != self.top_k:
            return  # (watched otherwise: not taken as still)
        if isinstance(state, dict) and state.get("still") is not None:
            self.first = [int(x) for x in state["first"]]
            self._still = [bool(x) for x in state["still"]]

    def merge(self, state: Any) -> None:
        """Add a unit's watch (``state``): still where every unit's label stayed the same
        one (a unit not watched: nothing is taken as still)."""
        if self.blind:
            return
        if not isinstance(state, dict) or state.get("still") is None:
            self.blind, self.first, self._still = True, None, None
            return
        first = [int(x) for x in state["first"]]
        still = [bool(x) for x in state["still"]]
        self.top_k = state.get("top_k")
        if self.first is None or self._still is None:
            self.first, self._still = first, still
            return
        self._still = [  # (-1: a unit that had no answer from it yet: nothing moved)
            a and b and (f == g or f < 0 or g < 0)
            for a, b, f, g in zip(self._still, still, self.first, first, strict=True)
        ]
        self.first = [f if f >= 0 else g for f, g in zip(self.first, first, strict=True)]
