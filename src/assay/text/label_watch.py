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
        self.still: list[bool] | None = None
        self.blind = False  # (units merged: one was not watched)

    @property
    def moved(self) -> bool:
        """Whether every classifier's label has moved (nothing more to watch)."""
        return self.still is not None and not any(self.still)

    def see(self, layout: Layout, out: np.ndarray) -> None:
        """Watch a batch of answers (one row per sentence, the panel's columns)."""
        if not len(out) or self.moved or len(layout.names) != len(layout.offsets):
            return
        rows = np.asarray(out, dtype=np.float64).reshape(len(out), -1)
        if rows.shape[1] != layout.width:
            return
        tops = [self._keys(layout, rows, k) for k in range(len(layout.names))]
        if self.first is None or self.still is None or len(self.first) != len(tops):
            self.first = [int(t[0]) for t in tops]
            self.still = [True] * len(tops)
        self.still = [
            s and bool((t == f).all()) for s, t, f in zip(self.still, tops, self.first, strict=True)
        ]

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
        n = len(layout.common)
        if self.top_k is not None:
            return "{" + ", ".join(layout.common[i] for i in range(n) if c >> i & 1) + "}"
        return layout.common[c] if c < n else layout.labels[k][c - n]

    def state(self) -> dict[str, Any]:
        return {"first": self.first, "still": self.still, "top_k": self.top_k}

    def load(self, state: Any) -> None:
        """A state stored by ``state`` (None, a run stored before the watch: not watched,
        never judged untested by it)."""
        self.first = self.still = None
        if isinstance(state, dict) and state.get("top_k") != self.top_k:
            return  # (watched otherwise: not taken as still)
        if isinstance(state, dict) and state.get("still") is not None:
            self.first = [int(x) for x in state["first"]]
            self.still = [bool(x) for x in state["still"]]

    def merge(self, state: Any) -> None:
        """Add a unit's watch (``state``): still where every unit's label stayed the same
        one (a unit not watched: nothing is taken as still)."""
        if self.blind:
            return
        if not isinstance(state, dict) or state.get("still") is None:
            self.blind, self.first, self.still = True, None, None
            return
        first = [int(x) for x in state["first"]]
        still = [bool(x) for x in state["still"]]
        self.top_k = state.get("top_k")
        if self.first is None or self.still is None:
            self.first, self.still = first, still
            return
        self.still = [
            a and b and f == g
            for a, b, f, g in zip(self.still, still, self.first, first, strict=True)
        ]
