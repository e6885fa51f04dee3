"""Oracles: what counts as an error, with a signed margin for every check.

A *case* is a derivation tree and, for metamorphic oracles, the node the relation is about
(its path).  ``variants`` gives the trees whose sentences are sent to the classifiers;
``judge`` reads their answers.  The margin follows CheckList's convention: > 0 passes,
<= 0 fails, and its size says by how much (a probability); severity is the failing size.

- ``differential`` (two or more classifiers): ``top1`` labels differ, ``topk`` sets differ,
  or ``distance``: the total-variation distance of their probabilities over the common
  labels exceeds ``threshold``.
- ``invariance`` (each classifier alone): swapping the node for another member of its
  declared class (``%invariant``) changes the predicted label.
- ``directional``: replacing the node's alternative as declared (``%directional``) does not
  move the prediction as expected.
- ``expect`` (CheckList's minimum functionality tests): a sentence deriving the node's
  alternative (``%expect``) does not get the class declared (or gets the one it must not).
- ``suite``: every relation the grammar declares (``%invariant``, ``%directional``,
  ``%expect``) in one run, each judged as its own oracle would judge it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.core.witnesses import TIE
from assay.errors import ModelError, UsageError
from assay.text.depth import levels_within
from assay.text.expected import expected_class
from assay.text.generate import (
    DEEPEST,
    Draws,
    Sampler,
    Tree,
    nodes,
    replace_at,
    subtree_at,
    tree_text,
)
from assay.text.grammar import (
    Directional,
    Expectation,
    Grammar,
    Invariant,
    Relation,
    reachable_symbols,
)
from assay.text.panel import Layout, fold_label

__all__ = ["MEMBERS", "MODES", "ORACLES", "Case", "Oracle", "Verdict", "odd_rows"]

ORACLES = ("differential", "invariance", "directional", "expect", "suite")
# an invariance class of more members: each case swaps in this many of them, drawn by its
# sentence (the same sentence, the same members: a case is asked once and keyed by them)
MEMBERS = 64
MODES = ("top1", "topk", "distance")
Path = tuple[int, ...]


@dataclass(frozen=True)
class Case:
    tree: Tree
    focus: Path | None = None
    relation: int = -1  # index of the invariant / directional
    # the tree's productions and words as lists (``flat.Draft``), when the walk drafted the
    # case by editing them: its sentence and statistics without a walk of the tree (not
    # part of the case's value)
    draft: Any = field(default=None, compare=False, repr=False)


@dataclass
class Verdict:
    error: np.ndarray  # bool per case
    margin: np.ndarray  # signed, > 0 passes
    detail: list[dict[str, Any]]  # per case: which classifier failed, labels
    # per case: whether some classifier's answers could be judged (None: every one could;
    # False where no classifier gave the answers its test needs: ``panel.silent_labels``)
    judged: list[bool] | None = None


class Oracle:
    def __init__(
        self,
        kind: str,
        grammar: Grammar,
        layout: Layout,
        sampler: Sampler,
        *,
        mode: str = "top1",
        k: int = 2,
        threshold: float = 0.5,
    ) -> None:
        if kind not in ORACLES:
            raise UsageError(
                f"unknown oracle {kind!r}; choose one of {', '.join(ORACLES)}", argument="--oracle"
            )
        if mode not in MODES:
            raise UsageError(
                f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", argument="--mode"
            )
        if kind == "differential" and len(layout.names) < 2:
            raise UsageError(
                "differential testing needs two or more classifiers; for one, "
                # (each value with its flag: a Python caller reads both as keywords, not
                # `oracle="invariance" or directional`: hostile53's Left)
                "use --oracle invariance or --oracle directional",
                argument="MODEL",
            )
        if kind == "invariance" and not grammar.invariants:
            raise UsageError(
                f"{_grammar_named(grammar.source)} declares no invariance class (%invariant NAME)",
                argument="--grammar",
            )
        if kind == "directional" and not grammar.directionals:
            raise UsageError(
                f"the grammar {grammar.source} declares no directional "
                "expectation (%directional NAME: ALT -> ALT EXPECT)",
                argument="--grammar",
            )
        if kind == "expect" and not grammar.expectations:
            raise UsageError(
                f"the grammar {grammar.source} declares no expected class (%expect NAME -> CLASS)",
                argument="--grammar",
            )
        if kind == "suite" and not _relations(grammar, kind):
            raise UsageError(
                f"the grammar {grammar.source} declares no test (%invariant NAME, "
                "%directional NAME: ALT -> ALT EXPECT, %expect NAME -> CLASS)",
                argument="--grammar",
            )
        if not 0 < threshold < 1:
            raise UsageError(
                f"must be above 0 and below 1 (a total-variation distance; 1 only two certain, "
                f"opposite answers reach), not {threshold}",
                argument="--threshold",
            )
        if k < 1:
            raise UsageError(f"must be at least 1, not {k}", argument="--top-k")
        n_common = len(layout.common)
        if kind == "differential" and mode == "topk" and k >= n_common:
            # the top k of every classifier would be all its labels: no set could differ
            raise UsageError(
                f"the classifiers share {n_common} labels ({', '.join(layout.common)}), so "
                f"the top {k} of each holds every label and no sentence could disagree; "
                f"--top-k must be below {n_common}"
                + (" (with two labels, use --mode top1)" if n_common == 2 else ""),
                argument="--top-k",
            )
        named: list[Directional | Expectation] = [*grammar.directionals, *grammar.expectations]
        for d in named:
            if d.label is not None and d.label not in layout.common:
                what = "%directional" if isinstance(d, Directional) else "%expect"
                meant = [c for c in layout.common if fold_label(c) == fold_label(d.label)]
                # a classifier's own label the label map maps: the common label it stands for
                mapped = _mapped_to(layout, d.label)
                raise UsageError(
                    f"{what} (line {d.line}) names class {d.label!r}; the classifiers' "
                    f"labels are {', '.join(layout.common)}"
                    + (
                        f"; did you mean {meant[0]!r}? (a class is written as the label is)"
                        if meant
                        else f"; {mapped}"
                        if mapped
                        else ""
                    ),
                    argument="--grammar",
                    path=grammar.source,
                    line=d.line,
                    column=d.label_column,
                )
        self.kind, self.g, self.layout, self.sampler = kind, grammar, layout, sampler
        self.mode, self.k, self.threshold = mode, k, threshold
        # top-1 differential cases judged, and those whose labels all had a counterpart
        # (the others cannot disagree): none compared is no test (``never_compared``)
        self.judged = 0
        self.compared = 0
        # per classifier, per label of its own: the top-1 sentences judged on which it was
        # that classifier's top label and had no counterpart (an LLM's refusal, its empty
        # answer, a wording the map left out): counted in what the run says, never findings
        self.without: list[list[int]] = [[0] * len(x) for x in layout.labels]
        # a campaign's merged oracle: its units' counts added (a sentence two units judged
        # counts twice; no unit keeps which it compared), said where they are (``_added``)
        self.units = 1
        # --mode distance: the largest distance judged, said when nothing reached the
        # threshold (a rule these answers never approach passes the run: ``distance_note``)
        self.largest = 0.0
        # symbol -> the relations about it; per relation, production -> how often its class
        # lists it (None: every production of its symbol, once): a dict of production ->
        # relations held 120 MB for a class of 900,000 nouns (``_focus``)
        self._about: dict[int, list[int]] = {}
        self._listed: list[dict[int, int] | None] = []
        rels = _relations(grammar, kind)
        for r, rel in enumerate(rels):
            alts = grammar.alternatives[rel.symbol]
            members = rel.alternatives if not isinstance(rel, Directional) else (rel.source,)
            self._about.setdefault(rel.symbol, []).append(r)
            if isinstance(members, range) and members == range(len(alts)):
                self._listed.append(None)
                continue
            listed: dict[int, int] = {}
            for a in members:
                listed[alts[a]] = listed.get(alts[a], 0) + 1
            self._listed.append(listed)
        self.relations = rels
        # per relation: whether its case is its sentence alone (an expectation); [] if none is
        self.alone = [isinstance(r, Expectation) for r in rels] if grammar.expectations else []
        # per relation: whether its case is the set of its sentences, whichever it began from
        # (an invariance class: "good" swapped for "great" and "great" for "good" are one
        # pair, one case, one failure; a directional edit has a direction)
        self.unordered = [isinstance(r, Invariant) for r in rels]
        # each relation as its line declares it: the test a finding failed (``findings()``)
        # two relations making the same sentences (two expectations of one edit): a case's
        # key holds its relation (``Engine.key``), else the second was never judged
        # (the cases of two expectations are both their one sentence: twins in a sentence
        # deriving both)
        same = [
            (r.symbol, r.alternatives if isinstance(r.alternatives, range) else (*r.alternatives,))
            if isinstance(r, Invariant)
            else (r.symbol, r.source, r.target)
            if isinstance(r, Directional)
            else "expect"
            for r in rels
        ]
        self.twins = len(set(same)) < len(same)
        self.tests = [_shown(f"line {r.line}: {grammar.directive(r, most=8)}") for r in rels]
        self._member_texts: dict[int, str] = {}
        reach = reachable_symbols(grammar)
        if rels and not any(r.symbol in reach for r in rels):
            # every relation is about a symbol no sentence uses: no case could ever be made
            rel = rels[0]
            said = {"invariance": "%invariant", "directional": "%directional"}
            raise UsageError(
                f"every {said.get(kind, 'test')} of the grammar is about a symbol no sentence uses "
                f"({grammar.names[rel.symbol]!r} is unreachable from "
                f"{grammar.names[grammar.start]!r}), so no case could be tested",
                argument="--grammar",
                path=grammar.source,
                line=rel.line,
            )

    def never_compared(self, errors: int) -> str | None:
        """Why a top-1 differential search tested nothing: every sentence it judged got,
        from some classifier, a label with no counterpart in the others (``None``: some
        were compared, or it found errors)."""
        if errors or not self.judged or self.compared:
            return None
        if self.metamorphic:  # (counted only where a classifier gave no answer)
            return (
                f"none of the {self.judged:,} cases judged{self._added()} could be: in each, "
                f"every classifier gave no answer to a sentence ({self.unmapped_said()}), "
                "so nothing could fail"
            )
        return (
            f"none of the {self.judged:,} sentences judged{self._added()} could be compared: "
            "for each, a classifier answered a label the others do not have "
            f"({self.unmapped_said()}), so no disagreement could be seen; map its labels to "
            "common ones with --label-map"
        )

    def partly_compared(self) -> str | None:
        """Said when a top-1 differential run compared only some of the sentences it judged:
        on the others a classifier's top label had no counterpart (a label map leaving
        VADER's ``neutral`` out), so they could not fail, and "no disagreement" is about the
        rest only (None: every one compared, or none: ``never_compared``)."""
        if not self.compared or self.compared >= self.judged:
            return None
        if self.metamorphic:
            return (
                f"only {self.compared:,} of the {self.judged:,} cases judged{self._added()} "
                "could be (in the others a classifier gave no answer where the test needs "
                f"one: {self.unmapped_said()}), so they could not fail for it"
            )
        return (
            f"only {self.compared:,} of the {self.judged:,} sentences judged{self._added()} "
            "could be compared (on the others a classifier's label had no counterpart: "
            f"{self.unmapped_said()}), so no disagreement could be seen on those"
        )

    def _added(self) -> str:
        """After a campaign's judged count: that it adds its units' (none: a single run)."""
        if self.units < 2:
            return ""
        return f", the {self.units:,} units' added (a sentence two units judged counts twice),"

    def _count_unanswered(self, out: np.ndarray, judged: bool) -> None:
        """A metamorphic case judged for the first time: counted in ``judged``, in
        ``compared`` when some classifier answered all its sentences, and its sentences
        answered with no answer in ``without``."""
        self.judged += 1
        self.compared += int(judged)
        lay = self.layout
        for k in range(len(lay.names)):
            top = np.argmax(lay.block(out, k), axis=1)
            for j in top[np.asarray(lay.silent[k])[top]].tolist():
                self.without[k][int(j)] += 1

    def _count_without(self, out: np.ndarray, tops: np.ndarray, counted: np.ndarray) -> None:
        """Adds each counted sentence whose top label had no counterpart to ``without``."""
        lost = counted[:, None] & (tops < 0)
        for k in np.flatnonzero(lost.any(axis=0)):
            own = np.argmax(self.layout.block(out, int(k)), axis=1)[lost[:, k]]
            for j, n in zip(*np.unique(own, return_counts=True), strict=True):
                self.without[int(k)][int(j)] += int(n)

    def unmapped_said(self, names: Sequence[str] | None = None) -> str:
        """The labels without a counterpart, per classifier, as the messages say them: each
        quoted as Python writes it (an empty answer ``''``, a label holding a new line or
        spaces at its ends) with the sentences it was the top label of (``without``).  Once
        any was counted, a label counted on none is not named: a classifier whose labels are
        read off its answers takes the others' too, and was said to have answered an empty
        label it never gave ("a: ''; b: '' (5 sentences)", hostile50).  ``names``: each
        classifier as said (a verify's given in the run's places); None: the layout's."""
        lay, parts = self.layout, []
        counted = any(n for row in self.without for n in row)
        for name, labels in lay.unmapped().items():
            k = lay.names.index(name)
            counts = self.without[k] if k < len(self.without) else []
            said = []
            for label in labels:
                j = lay.labels[k].index(label)
                if self.metamorphic and not (lay.silent and lay.silent[k][j]):
                    continue  # (compared as itself there: only no answer goes unjudged)
                n = counts[j] if j < len(counts) else 0  # (0: not counted, as by a replay)
                if counted and not n:
                    continue
                said.append(
                    f"{label!r} ({n:,} sentence{'' if n == 1 else 's'})" if n else repr(label)
                )
            if said:  # (a classifier whose unmatched labels are all compared: not named)
                parts.append(f"{names[k] if names else name}: {', '.join(said)}")
        return "; ".join(parts)

    def without_state(self) -> list[list[int]]:
        return [list(x) for x in self.without]

    def load_without(self, state: Any, *, add: bool = False) -> None:
        """``without`` as a checkpoint (or, ``add``, a unit) kept it; a state of another
        shape (a run stored before llm45t: none) leaves it as it is."""
        if not isinstance(state, list) or [len(x) for x in state] != [len(x) for x in self.without]:
            return
        self.without = [
            [(a if add else 0) + int(b) for a, b in zip(mine, theirs, strict=True)]
            for mine, theirs in zip(self.without, state, strict=True)
        ]

    @property
    def metamorphic(self) -> bool:
        return self.kind != "differential"

    # -- cases -----------------------------------------------------------------------------
    def case(self, tree: Tree, draws: Draws | None = None) -> Case | None:
        """The case for a tree (None when no node of it is about a declared relation)."""
        if not self.metamorphic:
            return Case(tree)
        spots = [(path, r) for path, p, _ in nodes(tree) for r in self._focus(p)]
        if not spots:
            return None
        path, r = spots[draws.below(len(spots)) if draws is not None else 0]
        return Case(tree, path, r)

    def cases(self, tree: Tree) -> list[Case]:
        """Every case of a tree: one per node and relation about it, each once (``case``
        draws one of them)."""
        if not self.metamorphic:
            return [Case(tree)]
        spots = dict.fromkeys((path, r) for path, p, _ in nodes(tree) for r in self._focus(p))
        return [Case(tree, path, r) for path, r in spots]

    def refocus(self, case: Case, tree: Tree, draft: Any = None) -> Case | None:
        """The same relation at the same place in an edited tree, if it still applies
        (``draft``: the edited tree's ``flat.Draft``, when known)."""
        if not self.metamorphic:
            return Case(tree, draft=draft)
        assert case.focus is not None
        try:
            node = subtree_at(tree, case.focus)
        except (IndexError, TypeError):
            return None
        if isinstance(node, str) or case.relation not in self._focus(node[0]):
            return None
        return Case(tree, case.focus, case.relation, draft)

    def focus_of(self, p: int) -> list[int]:
        """The relations (tests) production ``p`` can be the focus of (``_focus``)."""
        return self._focus(p)

    def _focus(self, p: int) -> list[int]:
        """The relations production ``p`` can be the focus of, in their order (one listed
        twice in a class: twice)."""
        about = self._about.get(self.g.productions[p][0])
        if about is None:
            return []
        out: list[int] = []
        for r in about:
            listed = self._listed[r]
            out.extend([r] * (1 if listed is None else listed.get(p, 0)))
        return out

    def variants(self, case: Case) -> list[Tree]:
        if not self.metamorphic:
            return [case.tree]
        assert case.focus is not None
        rel = self.relations[case.relation]
        alts = self.g.alternatives[rel.symbol]
        if isinstance(rel, Expectation):  # the sentence alone is judged
            return [case.tree]
        if isinstance(rel, Invariant):
            others = self._members(case)[1:]
            return [
                case.tree,
                *(replace_at(case.tree, case.focus, self.sampler.shortest_with(p)) for p in others),
            ]
        new = self.sampler.shortest_with(alts[rel.target])
        return [case.tree, replace_at(case.tree, case.focus, new)]

    def _members(self, case: Case) -> list[int]:
        """The productions of an invariance case's variants, in their order: the case's own
        member first, then the others swapped in."""
        assert case.focus is not None
        rel = self.relations[case.relation]
        assert isinstance(rel, Invariant)
        alts = self.g.alternatives[rel.symbol]
        own = subtree_at(case.tree, case.focus)[0]
        members = rel.alternatives
        if isinstance(members, range) and isinstance(alts, range) and len(members) - 1 > MEMBERS:
            # a whole class of thousands of names, never listed: the same draw as from the
            # list of the others (a list of 900,000 productions made for every case)
            gap = members.index(own - alts.start)  # (own is a member: its focus is)
            picked = _picks(len(members) - 1, case)
            return [own, *(alts[members[i + (i >= gap)]] for i in picked)]
        others = [alts[a] for a in members if alts[a] != own]
        if len(others) > MEMBERS:  # a class of thousands of names: some per sentence
            others = [others[i] for i in _picks(len(others), case)]
        return [own, *others]

    def member_text(self, production: int) -> str:
        """A member of an invariance class as words (``Maria``): its shortest derivation."""
        got = self._member_texts.get(production)
        if got is None:
            got = self._member_texts[production] = tree_text(self.sampler.shortest_with(production))
        return got

    # -- verdicts ---------------------------------------------------------------------------
    def judge(
        self, outputs: list[np.ndarray], cases: list[Case], fresh: list[bool] | None = None
    ) -> Verdict:
        """``outputs[i]``: the panel's answers to case i's variants (one row per variant);
        ``fresh``: which cases are judged for the first time (counted in ``judged`` and
        ``compared``; None: every one)."""
        if self.kind == "differential":
            return self._differential(np.vstack([o[:1] for o in outputs]), fresh)
        errors, margins, details, judged = [], [], [], []
        counted = [True] * len(cases) if fresh is None else list(fresh)
        for i, (out, case) in enumerate(zip(outputs, cases, strict=True)):
            e, m, d = self._metamorphic(out, case.relation)
            judged.append(bool(d.pop("judged", True)))
            if self.layout.silent and counted[i]:  # (a classifier may give no answer)
                self._count_unanswered(out, judged[-1])
            if e and isinstance(self.relations[case.relation], Invariant):
                members = self._members(case)
                d["odd"] = [self.member_text(members[i]) for i in odd_rows(self.layout, out)]
            errors.append(e)
            margins.append(m)
            details.append(d)
        return Verdict(
            np.asarray(errors, dtype=bool),
            np.asarray(margins, dtype=np.float64),
            details,
            judged if self.layout.silent else None,
        )

    def breaks(self, out: np.ndarray, relation: int) -> bool:
        """Do the answers ``out`` (the sentence's row, then its variant's) break the run's
        metamorphic relation (``relation``: the directional expectation's index)?"""
        return self._metamorphic(out, relation)[0]

    def breaks_judged(self, out: np.ndarray, relation: int) -> tuple[bool, bool]:
        """``breaks``, and whether the answers could be judged at all (False: every
        classifier gave no answer where the test needs one: ``panel.silent_labels``)."""
        broken, _, detail = self._metamorphic(out, relation)
        return broken, bool(detail.get("judged", True))

    def _differential(self, out: np.ndarray, fresh: list[bool] | None = None) -> Verdict:
        lay = self.layout
        n, K = len(out), len(lay.names)
        if self.mode == "distance":
            self._check_probabilities(out)
        aligned = [lay.aligned(out, k) for k in range(K)]
        tvd = np.zeros(n)
        for a in range(K):
            for b in range(a + 1, K):
                tvd = np.maximum(tvd, 0.5 * np.abs(aligned[a] - aligned[b]).sum(axis=1))
        tops = np.stack(
            [np.asarray(lay.maps[k])[np.argmax(lay.block(out, k), axis=1)] for k in range(K)],
            axis=1,
        )
        comparable = (tops >= 0).all(axis=1)
        if self.mode == "top1":  # (a case judged again, a shrinking candidate: once)
            counted = np.ones(n, dtype=bool) if fresh is None else np.asarray(fresh, dtype=bool)
            self.judged += int(counted.sum())
            self.compared += int((comparable & counted).sum())
            self._count_without(out, tops, counted)
            error = comparable & (tops != tops[:, :1]).any(axis=1)
            margin = np.where(error, -np.maximum(tvd, 1e-6), np.maximum(1 - tvd, 1e-6))
        elif self.mode == "topk":
            k = min(self.k, len(lay.common))
            sets = [np.sort(np.argsort(-a, axis=1, kind="stable")[:, :k], axis=1) for a in aligned]
            error = np.zeros(n, dtype=bool)
            for s in sets[1:]:
                error |= (s != sets[0]).any(axis=1)
            margin = np.where(error, -np.maximum(tvd, 1e-6), np.maximum(1 - tvd, 1e-6))
        else:
            if n:
                self.largest = max(self.largest, float(tvd.max()))
            margin = self.threshold - tvd
            # judged at 12 digits: a distance of exactly T summed from probabilities in
            # floats (0.7 - 0.4 and 0.6 - 0.3: 0.29999999999999993) reaches T (``TIE``)
            error = margin <= TIE
            margin = np.where(error, np.minimum(margin, -1e-6), margin)
        names: dict[tuple[int, ...], list[str | None]] = {}  # label names per distinct row
        details = []
        for row, c in zip(map(tuple, tops.tolist()), np.asarray(comparable).tolist(), strict=True):
            got = names.get(row)
            if got is None:
                got = names[row] = [lay.common[t] if t >= 0 else None for t in row]
            details.append({"labels": list(got), "comparable": bool(c)})
        return Verdict(error, margin, details)

    def _check_probabilities(self, out: np.ndarray) -> None:
        """The distance mode compares probability distributions: a classifier answering
        other scores (logits, counts) would make every sentence look like a disagreement."""
        for k, name in enumerate(self.layout.names):
            block = self.layout.block(out, k)
            sums = block.sum(axis=1)
            bad = np.flatnonzero((np.abs(sums - 1.0) > 1e-3) | (block < -1e-9).any(axis=1))
            if len(bad):
                row = [round(float(v), 4) for v in block[bad[0]][:6]]
                raise ModelError(
                    f"classifier {name} answered scores that are not probabilities ({row}, "
                    f"summing to {float(sums[bad[0]]):.4g}); --mode distance compares "
                    "probability distributions: use --mode top1 or topk, or make it answer "
                    "probabilities (e.g. a softmax of its scores)"
                )

    def _metamorphic(self, out: np.ndarray, relation: int) -> tuple[bool, float, dict[str, Any]]:
        rel = self.relations[relation]
        if isinstance(rel, Expectation):
            return expected_class(self.layout, out, rel, relation)
        lay = self.layout
        worst = np.inf
        failed: list[str] = []
        labels: list[list[str]] = []
        culprit = 1  # the variant that broke the relation (the first one otherwise)
        judged = False  # whether some classifier's answers could be judged
        for k in range(len(lay.names)):
            block = lay.block(out, k)
            own = lay.labels[k]
            top = np.argmax(block, axis=1)
            labels.append([own[t] for t in top])
            # the rows it answered (``panel.silent_labels``: a refusal, an empty answer is
            # none); a swap is judged on the members answered beside the sentence's own
            ok = ~np.asarray(lay.silent[k], dtype=bool)[top] if lay.no_answer(k, top) else None
            if ok is not None and not (isinstance(rel, Invariant) and ok[0] and ok.sum() > 1):
                continue  # (no answer where it was needed: nothing of it to judge)
            judged = True
            c = int(top[0])
            said = lay.compared(k, top)  # (labels a label map makes one: the same answer)
            # the probability of the first's label: of every label a map makes one with it
            # (a merging map: the mass moved between labels made one has not moved)
            mass = block[:, _as_one(lay.maps[k], c)].sum(axis=1)
            if isinstance(rel, Invariant):
                ok = np.ones(len(top), dtype=bool) if ok is None else ok
                changed = bool(((said != said[0]) & ok).any())
                if changed and not failed:
                    culprit = int(np.argmax((said != said[0]) & ok))
                moved = float(np.max(np.abs(mass - mass[0])[ok]))
                margin = -max(moved, 1e-6) if changed else max(1.0 - moved, 1e-6)
            else:
                assert isinstance(rel, Directional)
                base, var = block[0], block[1]
                if rel.expect == "flip":
                    flipped = bool(said[1] != said[0])
                    margin = (mass[0] - mass[1]) if flipped else -(mass[1] - 0.5) - 1e-6
                    margin = margin if flipped else min(margin, -1e-6)
                else:
                    if rel.expect == "away":
                        cols, sign = _as_one(lay.maps[k], c), 1.0
                    else:
                        lab = rel.label or ""
                        cols = [
                            i
                            for i in range(len(own))
                            if lay.maps[k][i] >= 0 and lay.common[lay.maps[k][i]] == lab
                        ]
                        if not cols:
                            continue
                        sign = 1.0 if rel.expect in ("down", "not-up") else -1.0
                    # (the probability of a label a map makes of several: theirs added)
                    was, now = float(base[cols].sum()), float(var[cols].sum())
                    if rel.expect.startswith("not-"):  # CheckList's monotonic: no wrong move
                        wrong = sign * (now - was)  # how far it moved the wrong way
                        margin = rel.tolerance - wrong
                        margin = margin + 1e-6 if margin >= 0 else min(margin, -1e-6)
                    else:
                        margin = sign * (was - now) - rel.tolerance
                        if margin <= 0:
                            margin = min(margin, -1e-6)
            if margin <= 0:
                failed.append(lay.names[k])
            worst = min(worst, margin)
        if not np.isfinite(worst):
            worst = 1.0
        shown = [[x[0], x[culprit]] if len(x) > culprit else x for x in labels]
        detail = {"failed": failed, "labels": shown, "variant": culprit, "judged": judged}
        return bool(failed), float(worst), detail


def _mapped_to(layout: Layout, label: str) -> str:
    """What a classifier's own ``label`` stands for among the common labels (the label map
    maps it: ``'LABEL_1' is clf.py:hf's label, mapped to 'toxic': name 'toxic'``); ``""``
    when no classifier answers it or none maps it."""
    said = []
    for name, own, maps in zip(layout.names, layout.labels, layout.maps, strict=True):
        if label in own and 0 <= maps[own.index(label)] < len(layout.common):
            said.append((name, layout.common[maps[own.index(label)]]))
    if not said:
        return ""
    common = list(dict.fromkeys(c for _, c in said))
    owners = ", ".join(n for n, _ in said)
    return (
        f"{label!r} is {owners}'s own label, which the label map maps to "
        f"{' and '.join(repr(c) for c in common)}: write {' or '.join(repr(c) for c in common)} "
        "(a class is named as the labels are compared, after the map)"
    )


def _relations(grammar: Grammar, kind: str) -> list[Relation]:
    """The relations an oracle of ``kind`` judges: those of its directive (a suite: every
    one, in the grammar's line order); none for a differential one."""
    every: list[Relation] = [*grammar.invariants, *grammar.directionals, *grammar.expectations]
    if kind == "suite":
        return sorted(every, key=lambda r: r.line)
    of = {"invariance": Invariant, "directional": Directional, "expect": Expectation}.get(kind)
    return [r for r in every if of is not None and isinstance(r, of)]


def _shown(text: str, most: int = 240) -> str:
    """``text``, cut to ``most`` characters (a terminal may be long)."""
    return text if len(text) <= most else text[: most - 3] + "..."


def _as_one(maps: Sequence[int], c: int) -> list[int]:
    """The own labels compared as label ``c`` (those a label map makes one with it; ``c``
    alone when it has no counterpart)."""
    if maps[c] < 0:
        return [c]
    return [i for i, m in enumerate(maps) if m == maps[c]]


def odd_rows(layout: Layout, out: np.ndarray) -> list[int]:
    """The variants of an invariance case answered unlike the rest of its class: those whose
    label, for some classifier, is not the label a strict majority of the variants got (none
    for a classifier with no such majority: two variants that differ say nothing of which
    one is odd)."""
    odd: set[int] = set()
    for k in range(len(layout.names)):
        top = np.argmax(layout.block(out, k), axis=1)
        said = layout.compared(k, top)
        rows = np.arange(len(said))
        if layout.no_answer(k, top):  # (no answer is no label: never a member's oddity)
            rows = rows[~np.asarray(layout.silent[k], dtype=bool)[top]]
            said = said[rows]
        if not len(said):
            continue
        counts = np.bincount(said)
        if 2 * int(counts.max()) > len(said):
            odd.update(rows[said != int(counts.argmax())].tolist())
    return sorted(odd)


def _picks(n: int, case: Case) -> list[int]:
    """``MEMBERS`` of the ``n`` other members of an invariance class (their places, in the
    class's order), drawn by the case's sentence and relation."""
    said = f"{case.relation}\x00{tree_text(case.tree)}".encode()
    seed = int.from_bytes(hashlib.blake2b(said, digest_size=8).digest(), "little")
    picked = np.random.default_rng(seed).choice(n, MEMBERS, replace=False)
    return sorted(picked.tolist())


def refuse_unreachable(oracle: Oracle, grammar: Grammar, max_depth: int) -> None:
    """Before a new run: a test about a symbol no sentence uses, or none within
    ``max_depth`` levels, can never judge a case, so the run could only end "not everything
    was tested" whatever its budget; refused, naming the test's line (a misspelt or unlinked
    rule, a rule too deep).  (A run where every test is about an unreachable symbol is
    refused by ``Oracle`` itself; a stored run is replayed as it was.)"""
    reach = reachable_symbols(grammar)
    levels = levels_within(grammar, max_depth)
    lost = [r for r in oracle.relations if r.symbol not in levels]
    if not lost:
        _refuse_deep_source(oracle, grammar, max_depth, levels)
        return
    rel = lost[0]
    name = grammar.names[rel.symbol]
    more = f", nor of {len(lost) - 1} more test(s) of the grammar" if len(lost) > 1 else ""
    if rel.symbol in reach:
        why = f"no sentence within --max-depth {max_depth} derives {name!r}"
        fix = f"raise --max-depth (at most {DEEPEST}) or shorten the rules leading to it"
    else:
        why = f"{name!r} is unreachable from {grammar.names[grammar.start]!r}"
        fix = "derive it from a rule the start symbol reaches, or remove the line"
    raise UsageError(
        f"{grammar.directive(rel, most=8)} is about a symbol no sentence uses ({why}), so no "
        'case of it could be tested whatever the budget (the run could only end "not '
        f'everything was tested"){more}: {fix}',
        argument="--grammar",
        path=grammar.source,
        line=rel.line,
    )


def _refuse_deep_source(
    oracle: Oracle, grammar: Grammar, max_depth: int, levels: dict[int, int]
) -> None:
    """A ``%directional`` whose symbol is derived within ``max_depth`` but whose source
    alternative alone is not: no sentence holds the source to replace, so it judged no case
    and the run ended "a larger --max-queries ..." (hostile41t's Left 5); refused at its
    line as an unreachable symbol is."""
    for rel in oracle.relations:
        if not isinstance(rel, Directional):
            continue
        prod = grammar.alternatives[rel.symbol][rel.source]
        need = levels[rel.symbol] + grammar.prod_height[prod]
        if need <= max_depth:
            continue
        fix = (
            f"raise --max-depth to {need} (at most {DEEPEST}) or shorten the rules it leads to"
            if need <= DEEPEST
            else f"it is deeper than assay generates ({DEEPEST}): shorten the rules it leads to"
        )
        raise UsageError(
            f"{grammar.directive(rel, most=8)}: its source {grammar.describe(prod)} needs "
            f"{need} levels and no sentence within --max-depth {max_depth} holds it, so no case "
            'of it could be tested whatever the budget (the run could only end "not '
            f'everything was tested"): {fix}',
            argument="--grammar",
            path=grammar.source,
            line=rel.line,
        )


def _grammar_named(source: str) -> str:
    """The grammar as a message names it: ``the grammar g.cfg``, ``the grammar text`` (a
    grammar given as text is its source's own words: "the grammar the grammar text")."""
    return source if source.startswith("the grammar") else f"the grammar {source}"
