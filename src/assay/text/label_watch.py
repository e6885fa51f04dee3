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

from assay.text.panel import Layout

__all__ = ["LabelWatch"]


class LabelWatch:
    """Per classifier: the label (as the oracle compares it: ``Layout.compared``) of the first
    sentence asked, and whether every sentence since got it too."""

    def __init__(self) -> None:
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
        tops = [
            layout.compared(k, np.argmax(layout.block(rows, k), axis=1))
            for k in range(len(layout.names))
        ]
        if self.first is None or self.still is None or len(self.first) != len(tops):
            self.first = [int(t[0]) for t in tops]
            self.still = [True] * len(tops)
        self.still = [
            s and bool((t == f).all()) for s, t, f in zip(self.still, tops, self.first, strict=True)
        ]

    def label(self, layout: Layout, k: int) -> str:
        """Classifier ``k``'s one label, in its own words."""
        assert self.first is not None
        c = self.first[k]
        n = len(layout.common)
        return layout.common[c] if c < n else layout.labels[k][c - n]

    def state(self) -> dict[str, Any]:
        return {"first": self.first, "still": self.still}

    def load(self, state: Any) -> None:
        """A state stored by ``state`` (None, a run stored before the watch: not watched,
        never judged untested by it)."""
        self.first = self.still = None
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
        if self.first is None or self.still is None:
            self.first, self.still = first, still
            return
        self.still = [
            a and b and f == g
            for a, b, f, g in zip(self.still, still, self.first, first, strict=True)
        ]
