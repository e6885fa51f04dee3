"""Tree models as plain arrays: what the exact analysis reads, whatever the model came from.

A ``Tree`` sends a row left at node ``i`` when ``x[feature[i]] <= threshold[i]`` (strict ``<``
splits are stored with the next float below).  A ``TreeModel`` combines trees into a class:

- ``combine="mean"``: the class scores are the mean of the leaves' vectors (random forests);
- ``combine="sum"``: ``base + scale * sum`` of the leaves' vectors (gradient boosting);

and then picks ``argmax`` of the scores (ties: the first class), or, when the trees have a
single output, class 1 when the score is above ``cut`` (binary boosting).

``columns[c]`` says how the model's input column ``c`` derives from one encoded schema feature:
a table of its value for each encoded value of a discrete feature (identity, category values,
one-hot indicators, scaled values), or ``scale * x + offset`` for a continuous feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

__all__ = ["Column", "Tree", "TreeModel"]


@dataclass(frozen=True)
class Tree:
    feature: np.ndarray  # (n_nodes,) int64, -1 at leaves
    threshold: np.ndarray  # (n_nodes,) float64: go left when x <= threshold
    left: np.ndarray  # (n_nodes,) int64
    right: np.ndarray  # (n_nodes,) int64
    value: np.ndarray  # (n_nodes, k) float64: the leaf's output vector
    # where a missing value (NaN) goes at each node: True left (None: not known, so the
    # trees are read only where no NaN reaches them: ``compose``)
    missing_left: np.ndarray | None = None

    @property
    def n_outputs(self) -> int:
        return int(self.value.shape[1])


@dataclass(frozen=True)
class Column:
    """Model input column as a function of the encoded feature ``feature``."""

    feature: int
    table: np.ndarray | None = None  # discrete features: value per encoded value from ``low``
    low: float = 0.0
    scale: float = 1.0  # continuous features: scale * x + offset
    offset: float = 0.0
    # a ranged feature that may be missing: encoded values above this mean missing, and the
    # column is then ``at_missing`` (NaN, or what an imputer in front fills in)
    missing_above: float | None = None
    at_missing: float = float("nan")

    def may_be_nan(self) -> bool:
        """Whether the column is NaN for some encoded value (a missing one)."""
        if self.table is not None:
            return bool(np.isnan(self.table).any())
        return self.missing_above is not None and bool(np.isnan(self.at_missing))


@dataclass(frozen=True)
class TreeModel:
    trees: tuple[Tree, ...]
    columns: tuple[Column, ...]
    combine: Literal["mean", "sum"] = "mean"
    base: np.ndarray | None = None  # (k,) added before the trees (sum)
    scale: float = 1.0
    cut: float = 0.0  # single-output models: class 1 when the score > cut
    source: str = ""  # what was read, for the certificate: "sklearn DecisionTreeClassifier"
    preprocessing: tuple[str, ...] = ()  # steps composed into the boxes, described
    # the runtime adds the leaves in float32, tree by tree, then the base (onnxruntime on a
    # graph with float thresholds): ``decide`` does the same, and margins closer to zero
    # than float32 sums can tell apart (``tie``) are left to it
    float32: bool = False

    @property
    def n_outputs(self) -> int:
        return self.trees[0].n_outputs

    def decide(self, leaf_values: np.ndarray) -> np.ndarray:
        """Classes from the leaves' vectors, ``(n, n_trees, k)``, with the model's arithmetic."""
        n_trees = leaf_values.shape[1]
        if self.float32 and self.combine == "sum":
            acc = np.zeros((len(leaf_values), leaf_values.shape[2]), dtype=np.float32)
            for t in range(n_trees):
                acc += (self.scale * leaf_values[:, t, :]).astype(np.float32)
            if self.base is not None:
                acc += self.base.astype(np.float32)
            if acc.shape[1] == 1:
                return (acc[:, 0] > np.float32(self.cut)).astype(np.int64)
            first: np.ndarray = np.argmax(acc, axis=1)
            return first
        if self.combine == "mean":
            total = leaf_values[:, 0, :].copy()
            for t in range(1, n_trees):
                total += leaf_values[:, t, :]
            total /= n_trees
        else:
            base = np.zeros(leaf_values.shape[2]) if self.base is None else self.base
            total = np.broadcast_to(base, (len(leaf_values), leaf_values.shape[2])).copy()
            for t in range(n_trees):
                total += self.scale * leaf_values[:, t, :]
        if total.shape[1] == 1:
            return (total[:, 0] > self.cut).astype(np.int64)
        result: np.ndarray = np.argmax(total, axis=1)
        return result

    def margins(self) -> list[np.ndarray] | None:
        """Per tree, each node's contribution to the binary margin (class 1 iff the sum of the
        contributions plus ``margin_base`` is > 0); None for more than two classes."""
        k = self.n_outputs
        if k > 2:
            return None
        n = len(self.trees)
        out = []
        for tree in self.trees:
            v = tree.value if k == 1 else tree.value[:, 1:2] - tree.value[:, 0:1]
            w = 1.0 / n if self.combine == "mean" else self.scale
            out.append(v[:, 0] * w)
        return out

    @cached_property
    def tie(self) -> float:
        """Margins within this of zero are decided by ``decide`` (the model's arithmetic),
        never by their sign: 1e-9 for sums in float64; for float32 sums, a bound on their
        rounding (each of the ``n + 1`` additions rounds by at most half an ulp of the
        largest partial sum, which is at most the sum of the largest leaves)"""
        if not self.float32:
            return 1e-9
        largest = sum(float(np.abs(self.scale * t.value).max(initial=0.0)) for t in self.trees)
        largest += 0.0 if self.base is None else float(np.abs(self.base).max(initial=0.0))
        largest += abs(self.cut)
        return 1e-9 + 2.0 * (len(self.trees) + 2) * 2.0**-24 * largest

    @property
    def margin_base(self) -> float:
        k = self.n_outputs
        if self.combine == "mean":
            return -self.cut if k == 1 else 0.0
        base = np.zeros(k) if self.base is None else self.base
        return float(base[0] - self.cut) if k == 1 else float(base[1] - base[0])

    def predict_encoded(self, encoded: np.ndarray) -> np.ndarray:
        """The model's classes for encoded rows, through the columns (for checks and tests)."""
        x = self.model_inputs(encoded)
        leaves = np.stack([self._leaf_values(tree, x) for tree in self.trees], axis=1)
        return self.decide(leaves)

    def model_inputs(self, encoded: np.ndarray) -> np.ndarray:
        x = np.empty((len(encoded), len(self.columns)))
        for c, col in enumerate(self.columns):
            v = encoded[:, col.feature]
            if col.table is not None:
                x[:, c] = col.table[np.rint(v - col.low).astype(np.int64)]
            else:
                x[:, c] = col.scale * v + col.offset
                if col.missing_above is not None:
                    x[v > col.missing_above, c] = col.at_missing
        return x

    @staticmethod
    def _leaf_values(tree: Tree, x: np.ndarray) -> np.ndarray:
        node = np.zeros(len(x), dtype=np.int64)
        active = tree.feature[node] >= 0
        while active.any():
            idx = np.flatnonzero(active)
            nd = node[idx]
            seen = x[idx, tree.feature[nd]]
            go_left = seen <= tree.threshold[nd]
            if tree.missing_left is not None:
                go_left = np.where(np.isnan(seen), tree.missing_left[nd], go_left)
            node[idx] = np.where(go_left, tree.left[nd], tree.right[nd])
            active = tree.feature[node] >= 0
        out: np.ndarray = tree.value[node]
        return out
