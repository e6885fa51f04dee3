"""Exact share of discriminatory inputs of a tree model, by box refinement with bounds.

An encoded input is discriminatory for attribute ``a`` when changing ``a`` alone changes the
model's class.  Its other features form a box; for each group of values of ``a`` that the trees
treat alike (an atom) each tree has a *frontier*: the nodes the box can reach.  A box is

- discriminatory when two atoms of ``a`` surely get different classes;
- clean when every atom surely gets the same class;
- otherwise split in two on a node some undecided tree straddles, and both halves go back in
  the queue (largest first).

"Surely" uses each tree's exact class set (one tree) or the bounds of its reachable leaves'
contributions to the binary margin (ensembles); a box whose trees are all at leaves is decided
with the model's own arithmetic.  For one tree this pairs leaf boxes that overlap in the other
features; for ensembles it is branch and bound.  When the time budget ends first, the boxes
still in the queue make the gap between the lower and the upper bound: the answer is then a
bound, and says so.  The same refinement carries the data rows, so the share over the data
is computed alongside.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from assay.core.display import span, tidy_share
from assay.fairness.exact.domain import Domain, build_domain
from assay.fairness.exact.ensemble import Flat, atoms_of_rows, flatten, refine, sample_pending
from assay.fairness.exact.ensemble_direction import class_mass as ensemble_class_mass
from assay.fairness.exact.ensemble_direction import rows_classes
from assay.fairness.exact.trees import TreeModel
from assay.fairness.regions import labelled_range, set_text
from assay.fairness.schema import Feature, Schema

__all__ = ["MAX_KEPT_BOXES", "ExactResult", "analyse", "describe_box"]

MAX_KEPT_BOXES = 500_000
"""Discriminatory boxes kept for exact regions at most (a single tree's are a few thousand)."""

_SAMPLED_HALF_WIDTH = 0.00025  # the statistical interval's target half-width (0.025 points)


@dataclass
class ExactResult:
    """The exact (or bounded) answer for one protected attribute."""

    attribute: str
    status: str  # "exact" or "bounded" (time budget or tolerance reached first)
    uniform: tuple[float, float]  # lower, upper bound of the share under the uniform distribution
    data: tuple[float, float] | None  # the same over the data rows
    data_rows: int
    boxes: list[dict[str, Any]]  # discriminatory boxes, largest first (up to max_boxes)
    n_boxes: int
    seconds: float
    source: str
    assumptions: list[str] = field(default_factory=list)
    certificate: str | None = None
    # when bounded: a statistical interval from uniform samples of the undecided boxes
    # (share, low, high, confidence, samples, undecided), always inside the bounds
    estimate: dict[str, float] | None = None
    queries: int = 0  # model queries the analysis asked (an enumeration; trees ask none)
    # every discriminatory box (one bit set of atoms per feature) and the atoms, for exact
    # regions (``exact.rules``); None when they were not all kept, with why
    every_box: list[list[int]] | None = field(default=None, repr=False)
    atoms: tuple[Any, ...] | None = field(default=None, repr=False)
    every_box_note: str | None = None
    # a clock decided the figures (the time budget, or a deadline for the data rows): a
    # rerun on another machine or under another load reports others (``rerun_caveats``)
    cut_by_time: bool = False
    # an enumerated domain: every discriminatory input (encoded rows), for exact regions
    idi_rows: np.ndarray | None = field(default=None, repr=False)
    # and each one's class with every value of the attribute (one column per value)
    idi_classes: np.ndarray | None = field(default=None, repr=False)
    # trees read box by box: per (atom of the attribute, class), the mass of the input space
    # and the data rows of the discriminatory boxes in which that atom gets that class, for
    # who is favoured counted exactly (``exact_direction``); None when not every one was
    class_mass: dict[tuple[int, int], tuple[float, int]] | None = field(default=None, repr=False)
    # and per (atom of the attribute, class), the boxes (or parts of them) in which that atom
    # gets that class, for each exact rule's own direction (``exact_regions``); kept with
    # ``every_box`` (None when it is not, or ``class_mass`` is not)
    class_boxes: dict[tuple[int, int], list[list[int]]] | None = field(default=None, repr=False)
    # why who is favoured was not counted over the boxes when asked (the answer's sample's
    # figures then stand; said in the terminal beside them)
    direction_sampled: str | None = None
    # the trees' class of encoded rows (``TreeModel.predict_encoded``), for the answer's own
    # samples to check the reading against the model's answers (``fairness.exact_misread``);
    # None when the figures are the model's own answers (an enumeration asking it)
    classes_of: Callable[[np.ndarray], np.ndarray] | None = field(
        default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # the share as the number it is: a sum of box volumes is off in its last bits (seven
        # cells of a hundred summed to 0.07000000000000003), which a rule 'share>0.07' judged
        # above its threshold, and the reports stored; twelve digits keep every real figure
        self.uniform = (tidy_share(self.uniform[0]), tidy_share(self.uniform[1]))
        if self.data is not None:
            self.data = (tidy_share(self.data[0]), tidy_share(self.data[1]))

    @property
    def width(self) -> float:
        return self.uniform[1] - self.uniform[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "status": self.status,
            "share_uniform": {"low": self.uniform[0], "high": self.uniform[1]},
            "share_data": None
            if self.data is None
            else {"low": self.data[0], "high": self.data[1], "rows": self.data_rows},
            "boxes": self.boxes,
            "n_boxes": self.n_boxes,
            "seconds": self.seconds,
            "source": self.source,
            "assumptions": self.assumptions,
            "certificate": self.certificate,
            "estimate": self.estimate,
            "queries": self.queries,
            "cut_by_time": self.cut_by_time,
            "direction_sampled": self.direction_sampled,
        }


class _Trees:
    """Per tree: plain lists for the refinement loop, and bounds per node."""

    def __init__(self, model: TreeModel, domain: Domain) -> None:
        self.feature = [f.tolist() for f in domain.node_feature]
        self.leftset = list(domain.node_left)
        self.left = [t.left.tolist() for t in model.trees]
        self.right = [t.right.tolist() for t in model.trees]
        self.single = len(model.trees) == 1
        self.margins = model.margins()
        self.model = model
        self.lo: list[list[float]] = []
        self.hi: list[list[float]] = []
        self.classes: list[list[int]] = []  # bit set of the leaf classes under each node
        for t, tree in enumerate(model.trees):
            n = len(tree.feature)
            order = _postorder(self.left[t], self.right[t], self.feature[t])
            if self.single:
                leaf_class = model.decide(tree.value[:, None, :]).tolist()
                cls = [0] * n
                for node in order:
                    if self.feature[t][node] < 0:
                        cls[node] = 1 << leaf_class[node]
                    else:
                        cls[node] = cls[self.left[t][node]] | cls[self.right[t][node]]
                self.classes.append(cls)
            if self.margins is not None:
                m = self.margins[t].tolist()
                lo, hi = [0.0] * n, [0.0] * n
                for node in order:
                    if self.feature[t][node] < 0:
                        lo[node] = hi[node] = m[node]
                    else:
                        a, b = self.left[t][node], self.right[t][node]
                        lo[node] = min(lo[a], lo[b])
                        hi[node] = max(hi[a], hi[b])
                self.lo.append(lo)
                self.hi.append(hi)


def _postorder(left: list[int], right: list[int], feature: list[int]) -> list[int]:
    out: list[int] = []
    stack = [(0, False)]
    while stack:
        node, done = stack.pop()
        if done or feature[node] < 0:
            out.append(node)
            continue
        stack.append((node, True))
        stack.append((right[node], False))
        stack.append((left[node], False))
    return out


def analyse(
    schema: Schema,
    model: TreeModel,
    attribute: str,
    *,
    data: np.ndarray | None = None,
    time_budget: float = 60.0,
    tolerance: float = 0.0,
    max_boxes: int = 50,
    max_queue: int = 200_000,
    max_kept: int = MAX_KEPT_BOXES,
    seed: int = 0,
    give_up: float | None = None,
    direction: bool = False,
) -> ExactResult:
    """The share of inputs whose class changes with ``attribute`` alone, exactly or bounded.

    ``data``: encoded rows for the share over the data (always exact: the rows are
    enumerated with every value of the attribute through the trees' arithmetic).
    ``tolerance``: stop when the uniform gap is at most this (0: run to the exact answer or
    the time budget).  Ensembles with two classes whose splits are thresholds (the usual case)
    go through the vectorised refinement of ``ensemble``; when it does not finish, the result
    also carries a statistical interval (``estimate``, seeded by ``seed``) inside the bounds.
    ``give_up``: the share of the time budget after which the box-by-box refinement (trees it
    cannot vectorise) stops if it has decided nothing yet (the analysis was not asked for:
    trees that large would spend the whole budget for bounds of 0-100 %).
    ``direction``: an ensemble's analysis also counts who is favoured over the boxes it
    decides (``class_mass``; a single tree's always does).  With an attribute of two atoms
    that costs nothing more; with more, a box is only decided once every atom's class is, so
    the analysis runs first as without, and again asking who is favoured in the time left
    (when that second run does not finish, the first's figures stand, and who is favoured is
    said to be the sample's).
    """
    t0 = time.monotonic()
    kwargs: dict[str, Any] = dict(
        data=data,
        tolerance=tolerance,
        max_boxes=max_boxes,
        max_queue=max_queue,
        max_kept=max_kept,
        seed=seed,
        give_up=give_up,
    )
    first = _analyse(
        schema, model, attribute, time_budget=time_budget, direction=None if direction else False,
        **kwargs,
    )  # fmt: skip
    if not direction or len(model.trees) == 1 or first.class_mass is not None:
        return first
    if first.status != "exact":
        first.direction_sampled = WHY_BOUNDED
        first.assumptions.append(f"{NOT_COUNTED} ({WHY_BOUNDED}): {SAMPLE_STANDS}")
        return first
    left = time_budget - (time.monotonic() - t0)
    again = None
    if left > 0.05 * time_budget:
        again = _analyse(schema, model, attribute, time_budget=left, direction=True, **kwargs)
    if again is not None and again.status == "exact" and again.class_mass is not None:
        first.class_mass, first.atoms = again.class_mass, again.atoms
        first.class_boxes = again.class_boxes
        first.seconds = time.monotonic() - t0
        first.assumptions.append(
            f"who is favoured counted over every discriminatory box in a second run of "
            f"{again.seconds:.1f} s that decided every value's class in each of them"
        )
    else:
        n_values = schema.feature(attribute).n_values or 0
        first.direction_sampled = why_not_again(n_values, max(left, 0.0), tried=again is not None)
        first.assumptions.append(f"{NOT_COUNTED}: {first.direction_sampled}: {SAMPLE_STANDS}")
    return first


NOT_COUNTED = "who is favoured is not counted over the boxes"
SAMPLE_STANDS = "the direction figures are the answer's sample's"
WHY_BOUNDED = "the analysis did not decide every box"


def why_not_again(n_values: int, left: float, *, tried: bool) -> str:
    """Why an ensemble's exact analysis of an attribute of ``n_values`` (3 or more) values
    left who is favoured to the sample: the second run it takes did not finish in the
    ``left`` seconds of the budget, or (``tried`` False) had too little of it to start."""
    of = f"{n_values} values" if n_values > 2 else "3 or more values"
    run = (
        f"did not finish in the {left:.1f} s of --exact-time left"
        if tried
        else f"had too little of --exact-time left to start ({left:.1f} s)"
    )
    return (
        f"with {of}, counting it takes a second run of the analysis (every value's class "
        f"decided in each discriminatory box; the first run stops once two differ), which "
        f"{run}; a longer --exact-time may count it"
    )


def _analyse(
    schema: Schema,
    model: TreeModel,
    attribute: str,
    *,
    data: np.ndarray | None,
    time_budget: float,
    tolerance: float,
    max_boxes: int,
    max_queue: int,
    max_kept: int,
    seed: int,
    give_up: float | None,
    direction: bool | None,
) -> ExactResult:
    """``analyse`` once; ``direction``: count who is favoured over an ensemble's boxes (None:
    when that costs nothing more, an attribute of two atoms)."""
    t0 = time.monotonic()
    domain = build_domain(schema, model)
    a = schema.index(attribute)
    if direction is None:
        direction = domain.atoms[a].n <= 2
    if len(model.trees) > 1:
        flat = flatten(domain, model, a)
        if not isinstance(flat, str):
            return _analyse_flat(
                schema,
                model,
                domain,
                flat,
                attribute,
                data=data,
                t0=t0,
                time_budget=time_budget,
                tolerance=tolerance,
                max_boxes=max_boxes,
                seed=seed,
                direction=direction,
            )
    trees = _Trees(model, domain)
    atoms = domain.atoms
    n_alpha = atoms[a].n
    n_trees = len(model.trees)
    base = model.margin_base
    eps = model.tie
    full = [x.full for x in atoms]
    weight_cache: dict[tuple[int, int], float] = {}

    uses_a: list[list[bool]] = []
    for t in range(n_trees):
        feat, lft, rgt = trees.feature[t], trees.left[t], trees.right[t]
        flags = [False] * len(feat)
        for node in _postorder(lft, rgt, feat):
            if feat[node] >= 0:
                flags[node] = feat[node] == a or flags[lft[node]] or flags[rgt[node]]
        uses_a.append(flags)

    def frac(j: int, mask: int) -> float:
        key = (j, mask)
        got = weight_cache.get(key)
        if got is None:
            got = float(atoms[j].weight[atoms[j].values(mask)].sum())
            weight_cache[key] = got
        return got

    def descend(t: int, nodes: tuple[int, ...], box: list[int], alpha: int) -> tuple[int, ...]:
        feat, lset, lft, rgt = trees.feature[t], trees.leftset[t], trees.left[t], trees.right[t]
        out: list[int] = []
        stack = list(nodes)
        while stack:
            n = stack.pop()
            j = feat[n]
            if j < 0:
                out.append(n)
            elif j == a:
                stack.append(lft[n] if (lset[n] >> alpha) & 1 else rgt[n])
            else:
                b, lm = box[j], lset[n]
                if not b & lm:
                    stack.append(rgt[n])
                elif not b & ~lm:
                    stack.append(lft[n])
                else:
                    out.append(n)
        return tuple(out)

    def decided(fronts: list[tuple[int, ...]]) -> int | None:
        """The class all inputs of the box get (for one atom of ``a``), or None."""
        if trees.single:
            cls = 0
            for n in fronts[0]:
                cls |= trees.classes[0][n]
            return cls.bit_length() - 1 if cls & (cls - 1) == 0 else None
        all_leaves = all(trees.feature[t][n] < 0 for t in range(n_trees) for n in fronts[t])
        if trees.margins is not None:
            lo = hi = base
            for t in range(n_trees):
                tl, th = trees.lo[t], trees.hi[t]
                lo += min(tl[n] for n in fronts[t])
                hi += max(th[n] for n in fronts[t])
            if lo > eps:
                return 1
            if hi < -eps:
                return 0
        if all_leaves:
            values = np.stack([model.trees[t].value[fronts[t][0]] for t in range(n_trees)])
            return int(model.decide(values[None])[0])
        return None

    def width(fronts: list[tuple[int, ...]], t: int) -> tuple[float, int]:
        """How undecided tree ``t`` is, and the node to split on."""
        best, node = -1.0, -1
        for n in fronts[t]:
            if trees.feature[t][n] < 0:
                continue
            w = trees.hi[t][n] - trees.lo[t][n] if trees.margins is not None else 1.0
            if w > best:
                best, node = w, n
        return best, node

    rows_atoms = None
    n_rows = 0
    if data is not None and len(data):
        rows_atoms = np.stack([atoms[j].atom_of(data[:, j]) for j in range(len(atoms))], axis=1)
        n_rows = len(data)
    # the data rows are a finite set: enumerate them first (exact even when the space is
    # only bounded), within half the budget: a refinement that runs out of time would leave
    # them none
    data_bounds, data_note = _data_bounds(schema, model, a, data, t0 + 0.5 * time_budget)
    t_refine = time.monotonic()
    root_box = list(full)
    fronts0 = [
        [descend(t, (0,), root_box, alpha) for t in range(n_trees)] for alpha in range(n_alpha)
    ]
    all_rows = np.arange(n_rows)
    queue: list[tuple[float, int, list[int], list[list[tuple[int, ...]]], np.ndarray]] = []
    heapq.heappush(queue, (-1.0, 0, root_box, fronts0, all_rows))
    counter = 1
    disc_mass = 0.0
    disc_rows = 0
    pend_mass = 1.0
    pend_rows = n_rows
    found: list[tuple[float, int, list[int], int]] = []
    every: list[list[int]] = []  # every discriminatory box, for exact regions (up to max_kept)
    class_mass: dict[tuple[int, int], tuple[float, int]] | None = {}
    class_boxes: dict[tuple[int, int], list[list[int]]] = {}

    def counted(alpha: int, cls: int, m: float, r: int, box: list[int]) -> None:
        assert class_mass is not None
        was = class_mass.get((alpha, cls), (0.0, 0))
        class_mass[(alpha, cls)] = (was[0] + m, was[1] + r)
        if n_boxes <= max_kept:  # (kept as ``every`` is)
            class_boxes.setdefault((alpha, cls), []).append(box)

    def spread(node: int, box: list[int], mass: float, rows: np.ndarray, alpha: int) -> None:
        """A single tree: the box's mass and rows that reach each class with ``alpha``."""
        feat, lset, lft, rgt = trees.feature[0], trees.leftset[0], trees.left[0], trees.right[0]
        stack = [(node, box, mass, rows)]
        while stack:
            n, b, m, r = stack.pop()
            j = feat[n]
            if j < 0:
                counted(alpha, trees.classes[0][n].bit_length() - 1, m, len(r), b)
            elif j == a:
                stack.append((lft[n] if (lset[n] >> alpha) & 1 else rgt[n], b, m, r))
            else:
                whole = frac(j, b[j])
                lut = atoms[j].values(lset[n]) if rows_atoms is not None and len(r) else None
                for part, child, left in (
                    (b[j] & lset[n], lft[n], True),
                    (b[j] & ~lset[n] & full[j], rgt[n], False),
                ):
                    if not part:
                        continue
                    sub = list(b)
                    sub[j] = part
                    side = r[:0]
                    if lut is not None and rows_atoms is not None:
                        goes = lut[rows_atoms[r, j]]
                        side = r[goes if left else ~goes]
                    stack.append(
                        (child, sub, m * (frac(j, part) / whole if whole > 0 else 0.0), side)
                    )

    n_boxes = 0
    steps = 0
    timed_out = False
    stalled = False
    while queue:
        steps += 1
        if steps % 16 == 1:
            spent = time.monotonic() - t0
            if spent > time_budget or len(queue) > max_queue:
                timed_out = True
                break
            refined = time.monotonic() - t_refine
            if give_up is not None and refined > give_up * time_budget and pend_mass >= 1.0:
                stalled = timed_out = True
                break
            if tolerance > 0 and pend_mass <= tolerance:
                break
        neg_mass, _, box, fronts, rows = heapq.heappop(queue)
        mass = -neg_mass
        if all(f == fronts[0] for f in fronts[1:]) and not any(
            uses_a[t][n] for t in range(n_trees) for n in fronts[0][t]
        ):  # no reachable split on the attribute: every value of it ends in the same leaves
            pend_mass -= mass
            pend_rows -= len(rows)
            continue
        classes = [decided(f) for f in fronts]
        known = {c for c in classes if c is not None}
        # asked who is favoured, an ensemble's box is discriminatory once every class is known
        if len(known) > 1 and (trees.single or not direction or None not in classes):
            disc_mass += mass
            disc_rows += len(rows)
            pend_mass -= mass
            pend_rows -= len(rows)
            n_boxes += 1
            for alpha, c in enumerate(classes):
                if class_mass is None:
                    break
                if c is not None:
                    counted(alpha, c, mass, len(rows), box)
                elif trees.single and len(fronts[alpha][0]) == 1:
                    spread(fronts[alpha][0][0], box, mass, rows, alpha)
                else:  # an ensemble's undecided atom (not asked who is favoured)
                    class_mass = None
            if n_boxes <= max_kept:
                every.append(box)
            if len(found) < max_boxes:
                heapq.heappush(found, (mass, counter, box, len(rows)))
            elif mass > found[0][0]:
                heapq.heapreplace(found, (mass, counter, box, len(rows)))
            counter += 1
            continue
        if None not in classes:
            pend_mass -= mass
            pend_rows -= len(rows)
            continue
        # split on the feature the undecided trees straddle most (summed widths), at the
        # straddled node of that feature that halves the box most evenly
        if n_trees == 1:
            best_w, best_t, best_node = -1.0, 0, -1
            for alpha, c in enumerate(classes):
                if c is None:
                    w, node = width(fronts[alpha], 0)
                    if w > best_w:
                        best_w, best_node = w, node
        else:
            by_feature: dict[int, float] = {}
            nodes_of: dict[int, list[tuple[int, int]]] = {}
            for alpha, c in enumerate(classes):
                if c is not None:
                    continue
                for t in range(n_trees):
                    for n in fronts[alpha][t]:
                        j = trees.feature[t][n]
                        if j < 0:
                            continue
                        w = trees.hi[t][n] - trees.lo[t][n] if trees.margins is not None else 1.0
                        by_feature[j] = by_feature.get(j, 0.0) + w
                        nodes_of.setdefault(j, []).append((t, n))
            j = max(by_feature, key=lambda f: by_feature[f])
            whole_j = frac(j, box[j])
            best_t, best_node, best_gap = 0, -1, 2.0
            for t, n in nodes_of[j]:
                part = frac(j, box[j] & trees.leftset[t][n])
                gap = abs(part / whole_j - 0.5) if whole_j > 0 else 0.0
                if gap < best_gap:
                    best_t, best_node, best_gap = t, n, gap
        j = trees.feature[best_t][best_node]
        lm = trees.leftset[best_t][best_node]
        whole = frac(j, box[j])
        lut = atoms[j].values(lm) if rows_atoms is not None and len(rows) else None
        for part, in_left in ((box[j] & lm, True), (box[j] & ~lm & full[j], False)):
            child = list(box)
            child[j] = part
            child_mass = mass * (frac(j, part) / whole if whole > 0 else 0.0)
            child_fronts = [
                [descend(t, fronts[alpha][t], child, alpha) for t in range(n_trees)]
                for alpha in range(n_alpha)
            ]
            if lut is not None and rows_atoms is not None:
                side = lut[rows_atoms[rows, j]]
                child_rows = rows[side if in_left else ~side]
            else:
                child_rows = rows[:0]
            heapq.heappush(queue, (-child_mass, counter, child, child_fronts, child_rows))
            counter += 1
    seconds = time.monotonic() - t0
    pend_mass = max(0.0, pend_mass) if queue else 0.0
    pend_rows = pend_rows if queue else 0
    exact = not queue
    uniform = (min(1.0, disc_mass), min(1.0, disc_mass + pend_mass))
    boxes = [
        {
            "rule": describe_box(schema, atoms, b, skip=a),
            "share_of_space": tidy_share(m),
            "data_rows": r,
            "conditions": box_conditions(schema, atoms, b, skip=a),
        }
        for m, _, b, r in sorted(found, key=lambda x: (-x[0], x[1]))
    ]
    assumptions = _assumptions(schema, model, attribute)
    if data_note is not None:
        assumptions.append(data_note)
    status = "exact" if exact else "bounded"
    certificate = None
    if exact and disc_mass == 0.0:
        certificate = (
            f"no input in this domain changes outcome with {attribute}"
            f"{binned(schema.feature(attribute))}: every box of the "
            "domain was decided, and in none does any tree path depend on it in a way that "
            "changes the class"
        )
    result = ExactResult(
        attribute=attribute,
        status=status,
        uniform=uniform,
        data=data_bounds,
        data_rows=n_rows,
        boxes=boxes,
        n_boxes=n_boxes,
        seconds=seconds,
        source=model.source,
        assumptions=assumptions,
        certificate=certificate,
        cut_by_time=timed_out or data_note is not None,
        every_box=every if exact and n_boxes <= max_kept else None,
        atoms=atoms,
        class_mass=class_mass if exact else None,
        class_boxes=class_boxes if exact and n_boxes <= max_kept and class_mass else None,
        every_box_note=None
        if exact and n_boxes <= max_kept
        else (
            f"{n_boxes:,} discriminatory boxes, more than the {max_kept:,} kept for exact regions"
            if exact
            else "the exact analysis did not decide every box (bounds only)"
        ),
    )
    if stalled:
        result.assumptions.append(
            f"stopped after {seconds:.1f} s with no box of the domain decided (the trees are "
            "too large to refine box by box in this time): bounds only; ask for it with "
            "--exact --exact-time SECONDS to try longer"
        )
    elif timed_out:
        result.assumptions.append(
            f"stopped by the time budget ({time_budget:g} s) or the memory cap "
            f"({max_queue:,} open boxes): bounds only"
        )
    return result


def _assumptions(schema: Schema, model: TreeModel, attribute: str) -> list[str]:
    out = [
        "the domain: " + "; ".join(domain_text(f) for f in schema.features if f.name != attribute),
        values_tried(schema.feature(attribute)),
        "outcomes compared as the model's predicted class",
        f"the model as read: {model.source or 'tree ensemble'}",
    ]
    if model.preprocessing:
        out.append("preprocessing composed into the boxes: " + "; ".join(model.preprocessing))
    return out


def _analyse_flat(
    schema: Schema,
    model: TreeModel,
    domain: Domain,
    flat: Flat,
    attribute: str,
    *,
    data: np.ndarray | None,
    t0: float,
    time_budget: float,
    tolerance: float,
    max_boxes: int,
    seed: int,
    direction: bool = False,
) -> ExactResult:
    """Ensembles: the vectorised branch and bound (``ensemble.refine``), then, when the
    budget ends first, a statistical interval from samples of the undecided boxes.
    ``direction``: who is favoured counted too (``ExactResult.class_mass``) when exact."""
    a = flat.attribute
    n_rows = 0 if data is None else len(data)
    # the data rows are a finite set: enumerate them (exact even when the space is bounded),
    # within half the budget
    data_bounds, data_note = _data_bounds(schema, model, a, data, t0 + 0.5 * time_budget)
    # 95 % of what is left refines; the rest (and what refining leaves) samples the undecided
    # (sampling reaches its target in about a second: the refinement narrows the certain bounds)
    refine_end = t0 + 0.05 * (time.monotonic() - t0) + 0.95 * time_budget
    refined = refine(
        flat, deadline=refine_end, tolerance=tolerance, max_boxes=max_boxes, direction=direction
    )
    undecided = float(refined.pend_mass.sum()) if len(refined.pend_mass) else 0.0
    exact = len(refined.pend_mass) == 0
    estimate = None
    if not exact:
        estimate = sample_pending(
            refined,
            flat,
            np.random.default_rng(seed),
            target=tolerance / 2 if tolerance > 0 else _SAMPLED_HALF_WIDTH,
            deadline=t0 + time_budget,
        )
    boxes: list[dict[str, Any]] = []
    rows_atoms = None
    if data is not None and n_rows:  # each row's atoms in the boxes' order (``flat.orders``)
        rows_atoms = atoms_of_rows(domain.atoms, data)
        for j, order in enumerate(flat.orders):
            rows_atoms[:, j] = np.argsort(order)[rows_atoms[:, j]]
    for lo, hi, m in zip(refined.found_lo, refined.found_hi, refined.found_mass, strict=True):
        bits = [
            _box_bits(int(lw), int(h), order)
            for lw, h, order in zip(lo, hi, flat.orders, strict=True)
        ]
        bits[a] = domain.atoms[a].full
        inside = 0
        if rows_atoms is not None:
            k = np.ones(len(rows_atoms), dtype=bool)
            for j in range(len(lo)):
                if j != a:
                    k &= (rows_atoms[:, j] >= lo[j]) & (rows_atoms[:, j] < hi[j])
            inside = int(k.sum())
        boxes.append(
            {
                "rule": describe_box(schema, domain.atoms, bits, skip=a),
                "share_of_space": float(m),
                "data_rows": inside,
                "conditions": box_conditions(schema, domain.atoms, bits, skip=a),
            }
        )
    disc = refined.disc_mass
    certificate = None
    if exact and disc == 0.0:
        certificate = (
            f"no input in this domain changes outcome with {attribute}"
            f"{binned(schema.feature(attribute))}: every box of the "
            "domain was decided, and in none does the ensemble's class change with it"
        )
    assumptions = _assumptions(schema, model, attribute)
    if data_note is not None:
        assumptions.append(data_note)
    if refined.timed_out:
        assumptions.append(
            f"stopped by the time budget ({time_budget:g} s) or the memory cap before every "
            "box was decided"
        )
    if refined.unbuilt:
        assumptions.append(
            "the compiled refinement is not built yet, so the vectorised one ran (bounds as "
            "certain, wider for the time); build it once (20-40 s): "
            "python -c 'import assay; assay.build_exact_kernel()'"
        )
    if refined.build_seconds:
        assumptions.append(
            f"the compiled refinement was built on its first use ({refined.build_seconds:.0f} s "
            "of the time budget; later runs load it from numba's cache)"
        )
    if estimate is not None:
        assumptions.append(
            f"the bounds are certain; the estimate inside them is a {estimate['confidence']:.0%}"
            f" Clopper-Pearson interval from {int(estimate['samples']):,} uniform inputs of the "
            f"undecided boxes ({100 * undecided:.3g} % of the space), classed by the trees"
        )
    counted = None
    if exact and refined.ones is not None:
        rows = None
        if data is not None and n_rows and data_bounds is not None:
            rows = rows_classes(schema, model, a, data, t0 + time_budget)
        f = schema.features[a]
        ones = np.empty_like(refined.ones)
        ones[flat.orders[a]] = refined.ones  # per atom as the domain numbers them
        counted = ensemble_class_mass(domain.atoms[a], f.encoded_low, ones, disc, rows)
    return ExactResult(
        attribute=attribute,
        status="exact" if exact else "bounded",
        uniform=(min(1.0, disc), min(1.0, disc + undecided)),
        data=data_bounds,
        data_rows=n_rows,
        boxes=boxes,
        n_boxes=refined.n_boxes,
        seconds=time.monotonic() - t0,
        source=model.source,
        assumptions=assumptions,
        certificate=certificate,
        estimate=estimate,
        cut_by_time=bool(refined.timed_out) or data_note is not None,
        every_box_note="the branch and bound of an ensemble keeps its largest boxes only",
        atoms=domain.atoms if counted is not None else None,
        class_mass=counted,
    )


def _box_bits(lo: int, hi: int, order: np.ndarray) -> int:
    """The atoms ``lo .. hi - 1`` of a box of the branch and bound as a bit set over the
    domain's atoms (``order``: the domain's atom at each place)."""
    if (lo == 0 and hi == len(order)) or np.array_equal(order, np.arange(len(order))):
        return ((1 << hi) - 1) & ~((1 << lo) - 1)
    out = 0
    for atom in order[lo:hi].tolist():
        out |= 1 << atom
    return out


# cells (rows x model columns) of one block of the data enumerated through the trees: a
# one-hot encoding of thousands of categories makes each row thousands of columns wide
_ENUMERATE_CELLS = 4_000_000


def _enumerate_rows(
    schema: Schema, model: TreeModel, a: int, data: np.ndarray, deadline: float
) -> float | None:
    """The share of the data rows whose class changes with the attribute alone, every value
    tried; None when that is not done by ``deadline`` (many values, wide encodings)."""
    f = schema.features[a]
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    step = max(1, _ENUMERATE_CELLS // max(1, len(model.columns)))
    changed = 0
    for start in range(0, len(data), step):
        block = np.array(data[start : start + step], dtype=np.float64, copy=True)
        low = high = None
        for v in values:
            if time.monotonic() > deadline:
                return None
            block[:, a] = v
            got = model.predict_encoded(block)
            low = got if low is None else np.minimum(low, got)
            high = got if high is None else np.maximum(high, got)
        if low is not None and high is not None:
            changed += int(np.count_nonzero(low != high))
    return changed / len(data) if len(data) else 0.0


def _data_bounds(
    schema: Schema, model: TreeModel, a: int, data: np.ndarray | None, deadline: float
) -> tuple[tuple[float, float] | None, str | None]:
    """The exact share over the data rows (enumerated), or None with why."""
    if data is None or not len(data):
        return None, None
    share = _enumerate_rows(schema, model, a, data, deadline)
    if share is None:
        return None, (
            f"the share over the {len(data):,} data rows was not enumerated within the time "
            "budget (every value of the attribute through the trees, for every row): the "
            "sampled figure stands for it"
        )
    return (share, share), None


def binned(f: Feature) -> str:
    """What a certificate on an attribute tested by bins (``age:bins=30,50``: a category of
    numbers, each labelled by its bin) is about; empty for any other attribute."""
    if f.kind != "categorical" or f.value_labels is None:
        return ""
    cats = f.categories or ()
    pairs = ", ".join(f"{f.label(float(c))} as {cats[c]}" for c in range(len(cats)))
    return (
        f" as its bins are given to the model ({pairs}): other values of {f.name}, and an "
        "outcome that changes within a bin, were not looked at"
    )


def values_tried(f: Feature) -> str:
    """The assumption on the attribute's values: each one (or each bin, as its number)."""
    codes = np.arange(f.encoded_low, f.encoded_high + 1)
    if binned(f):
        return f"every bin of {f.name} is tried{binned(f)}"
    return f"every value of {f.name} is tried: " + ", ".join(f.label(float(v)) for v in codes)


def domain_text(f: Feature) -> str:
    """One feature's domain as the assumptions state it, the missing value said when the
    feature takes it (``--missing value``)."""
    if f.kind == "categorical":
        n = len(f.categories or ())
        text = f"{f.name} in {n} {'category' if n == 1 else 'categories'}"
    else:
        low, high = span(f.low or 0.0, f.high or 0.0)
        text = f"{f.name} {f.kind} from {low} to {high}"
    return f"{text} or missing" if f.missing else text


def box_conditions(
    schema: Schema, atoms: tuple[Any, ...], box: list[int], *, skip: int
) -> dict[str, Any]:
    """Per restricted feature: the values (discrete) or intervals (continuous) inside."""
    out: dict[str, Any] = {}
    for j, f in enumerate(schema.features):
        if j == skip or box[j] == atoms[j].full:
            continue
        inside = atoms[j].values(box[j])
        if atoms[j].of_value is not None:
            codes = np.flatnonzero(inside[atoms[j].of_value]) + f.encoded_low
            out[f.name] = [float(c) for c in codes]
        else:
            cuts = atoms[j].cuts
            assert cuts is not None
            step = 1.0 if atoms[j].integer else 0.0
            out[f.name] = [
                [float(cuts[i]), float(cuts[i + 1]) - step] for i in np.flatnonzero(inside)
            ]
    return out


def describe_box(schema: Schema, atoms: tuple[Any, ...], box: list[int], *, skip: int) -> str:
    """A readable rule: ``age 30-39 and workclass in {Private, State-gov}``."""
    parts = []
    for name, inside in box_conditions(schema, atoms, box, skip=skip).items():
        f = schema.feature(name)
        parts.append(condition_text(f, inside))
    return " and ".join(parts) if parts else "everywhere"


def condition_text(f: Feature, inside: list[Any]) -> str:
    """One feature's condition in the user's values (the missing value, when inside, said
    as such: ``(income >= 50 or income is missing)``)."""
    if f.missing and inside:
        top = f.encoded_high  # the missing value's code
        if f.kind == "continuous":  # the missing atom: from the known high to the top
            rest: list[Any] = [[lo, hi] for lo, hi in inside if hi <= f.known_high]
            empty = len(rest) < len(inside)
        elif isinstance(inside[0], list):
            rest = [[lo, min(hi, top - 1)] for lo, hi in inside if lo < top]
            empty = any(hi >= top for _, hi in inside)
        else:
            rest = [c for c in inside if float(c) != top]
            empty = len(rest) < len(inside)
        if empty:
            if not rest:
                return f"{f.name} is missing"
            return f"({condition_text(replace(f, missing=False), rest)} or {f.name} is missing)"
    if f.kind == "continuous":
        spans = _merge([(lo, hi) for lo, hi in inside])
        return f"{f.name} " + " or ".join("{} to {}".format(*span(lo, hi)) for lo, hi in spans)
    if inside and isinstance(inside[0], list):  # a wide integer feature: ranges
        spans = _merge([(lo, hi + 1) for lo, hi in inside])
        shown = ", ".join(f"{int(lo)}-{int(hi) - 1}" for lo, hi in spans)
        return f"{f.name} in {{{shown}}}" if len(spans) > 1 else f"{f.name} {shown}"
    codes = [int(c) for c in inside]
    if f.kind == "integer" and f.value_labels is None:
        runs = _runs(codes)
        if len(runs) == 1:
            lo, hi = runs[0]
            if lo == hi:
                return f"{f.name} = {lo}"
            if lo == int(f.encoded_low):
                return f"{f.name} <= {hi}"
            if hi == int(f.encoded_high):
                return f"{f.name} >= {lo}"
            return f"{f.name} {lo}-{hi}"
        shown = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in runs)
        return f"{f.name} in {{{shown}}}"
    if f.kind == "integer":
        runs = _runs(codes)
        if len(runs) == 1:
            return labelled_range(f, runs[0][0], runs[0][1])
    return set_text(f, codes)


def _runs(codes: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for c in sorted(codes):
        if runs and c == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out
