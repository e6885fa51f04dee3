"""Replay a text run's stored minimal failing sentences against its classifiers as they are
now (retrained, or others in their place): which still fail the run's oracle?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.replay import ReplayResult, TestReplayed
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.label_watch import LabelWatch, watch_of
from assay.text.panel import Layout
from assay.text.spacing import joined_as
from assay.text.technique import TextTest

__all__ = ["replay_text"]

_FRESH = 64  # sentences of the grammar asked when every stored one got the same answer


def replay_text(
    batches: Iterable[FindingBatch],
    test: TextTest,
    panel: Any,
    *,
    chunk: int = 512,
    names: Sequence[str] | None = None,
) -> ReplayResult:
    """Ask the classifiers (``panel``: their answers side by side) each stored minimal
    sentence (and, for a metamorphic run, the variant that broke the relation with it) and
    judge the answers with the run's oracle.  A directional finding stored without its
    relation (runs of older versions) cannot be judged: counted as skipped, never as fixed.
    Sentences it makes are joined as the run joined them (``text.spacing``).  ``names``:
    the classifiers as the words say them (``TextSetup.said_as``; None: the run's names)."""
    with joined_as(test.spacing):
        return _replayed(batches, test, panel, chunk, names)


def _replayed(
    batches: Iterable[FindingBatch],
    test: TextTest,
    panel: Any,
    chunk: int,
    names: Sequence[str] | None,
) -> ReplayResult:
    sampler = Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    oracle = test.make_oracle(sampler)
    total = failing = skipped = uncompared = 0
    examples: list[int] = []
    # each test's stored cases replayed and those still failing (a run of several tests)
    stored = np.zeros(len(oracle.tests) if oracle.metamorphic else 0, dtype=np.int64)
    still = np.zeros_like(stored)
    # (a swap, and a top-1 comparison, are judged by the labels alone)
    answers = _Answers(panel.layout, watch_of(oracle))
    for batch in batches:
        if not batch.kind.startswith("text-") or not len(batch):
            continue
        minimal = [str(x) for x in np.asarray(batch.inputs)[:, 0]]
        if oracle.kind == "differential":
            for lo in range(0, len(minimal), chunk):
                out = panel.predict(minimal[lo : lo + chunk])
                answers.add(out)
                verdict = oracle.judge([row[None] for row in out], [])
                bad = verdict.error
                if len(examples) < 10:
                    at = total + uncompared + np.flatnonzero(bad)[: 10 - len(examples)]
                    examples.extend(at.tolist())
                # a sentence on which a classifier now answers a label with no counterpart
                # cannot disagree: not replayed (never counted fixed)
                seen = np.array([bool(d.get("comparable", True)) for d in verdict.detail])
                lost = int((~seen).sum()) if oracle.mode == "top1" else 0
                failing += int(bad.sum())
                total += len(bad) - lost
                uncompared += lost
            continue
        variants = [str(v) for v in batch.columns.get("variant", [""] * len(batch))]
        relation = batch.columns.get("relation")
        if oracle.kind != "invariance" and relation is None:
            skipped += len(batch)
            continue
        rel = np.full(len(batch), -1) if relation is None else np.asarray(relation, dtype=int)
        for lo in range(0, len(minimal), chunk):
            pairs = [
                s
                for i in range(lo, min(lo + chunk, len(minimal)))
                for s in (minimal[i], variants[i] or minimal[i])
            ]
            flat = panel.predict(pairs)
            answers.add(flat)
            out = flat.reshape(len(pairs) // 2, 2, -1)
            judged = [oracle.breaks_judged(o, int(r)) for o, r in zip(out, rel[lo:], strict=False)]
            bad = np.array([b for b, _ in judged], dtype=bool)
            # a case a classifier now gives no answer in (an LLM's refusal) cannot fail:
            # not replayed, never counted fixed
            seen = np.array([j for _, j in judged], dtype=bool)
            if len(examples) < 10:
                examples.extend((total + np.flatnonzero(bad)[: 10 - len(examples)]).tolist())
            failing += int(bad.sum())
            total += int(seen.sum())
            uncompared += int((~seen).sum())
            at = rel[lo : lo + len(bad)]
            known = (at >= 0) & (at < len(stored)) & seen
            np.add.at(stored, at[known], 1)
            np.add.at(still, at[known], bad[known].astype(np.int64))
    why = (
        f"{skipped:,} directional findings were stored without their relation (by an older "
        "assay): rerun the test to replay them"
        if skipped
        else ""
    )
    untested = ""
    if uncompared:
        skipped += uncompared
        why = (
            f"on {uncompared:,} stored sentences a classifier now answers a label without a "
            f"counterpart ({oracle.unmapped_said(names)}), so they could not be compared"
            if not oracle.metamorphic
            else f"in {uncompared:,} stored cases a classifier now gives no answer where the "
            f"test needs one ({oracle.unmapped_said(names)}), so they could not be judged"
        )
        if total and not failing:  # (the rest no longer fail: not everything was tested)
            untested = f"{why}: not everything was tested"
    if total and not failing and answers.one is not None and not answers.moved():
        # one answer to every stored sentence: a fix (they were all alike), or a classifier
        # that answers one thing whatever it is asked; other sentences of the grammar tell
        draws = Draws(np.random.default_rng(0))
        fresh = {tree_text(sampler.sentence_tree(draws)) for _ in range(_FRESH)}
        answers.add(panel.predict(sorted(fresh)))
    if total and not failing and answers.one is not None and not answers.varied:
        untested = (
            f"the classifiers gave the same answer ({answers.shown(panel)}) to every one of "
            f"the {answers.n:,} sentences asked (the stored ones and others of the "
            "grammar), so no stored finding could still fail: a classifier that never "
            "changes its answer passes every check"
        )
    elif total and not failing and answers.one_label():
        untested = (
            f"the classifiers gave {answers.each()} ({answers.one_label()}) to every one of "
            f"the {answers.n:,} sentences asked, their scores varying, so no stored finding "
            "could still fail: a classifier that never changes its label passes every check"
        )
    per_test = (
        tuple(
            TestReplayed(name, int(n), int(k))
            for name, n, k in zip(oracle.tests, stored, still, strict=True)
        )
        if len(stored) > 1 and int(stored.sum()) == total  # (each finding's test known)
        else ()
    )
    return ReplayResult(
        total,
        failing,
        examples,
        skipped=skipped,
        why_skipped=why,
        untested=untested,
        per_test=per_test,
    )


class _Answers:
    """Whether the classifiers' answers varied over a replay (one answer to every sentence
    shows nothing fixed)."""

    def __init__(self, layout: Layout, labels: LabelWatch | None) -> None:
        self.one: np.ndarray | None = None
        self.varied = False
        self.n = 0
        self.layout = layout
        self.labels = labels  # (None: judged by scores)

    def moved(self) -> bool:
        """Whether the answers varied, and (judged by labels) some classifier's label."""
        return self.varied and not self.one_label()

    def one_label(self) -> str:
        """Every classifier's one label, when none moved (``''``: some did, or not judged
        by labels)."""
        w = self.labels
        if w is None or w.still is None or not all(w.still):
            return ""
        said = [w.label(self.layout, k) for k in range(len(w.still))]
        return "; ".join(said if w.top_k is not None else map(repr, said))

    def each(self) -> str:
        """What each classifier kept giving: one label, or one top-k set."""
        k = None if self.labels is None else self.labels.top_k
        return "one label each" if k is None else f"the same top-{k} labels each"

    def add(self, out: np.ndarray) -> None:
        out = np.asarray(out, dtype=np.float64)
        if not len(out):
            return
        self.n += len(out)
        if self.one is None:
            self.one = out[0].copy()
        if self.labels is not None:
            self.labels.see(self.layout, out)
        self.varied = self.varied or not np.allclose(out, self.one[None], atol=1e-9)

    def shown(self, panel: Any) -> str:
        # (no names: `assay verify --model` asks another classifier under the run's name)
        return str(panel.layout.answer_text(self.one, named=False))
