"""Replay a text run's stored minimal failing sentences against its classifiers as they are
now (retrained, or others in their place): which still fail the run's oracle?"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from assay.core.findings import FindingBatch
from assay.core.replay import ReplayResult
from assay.text.generate import Sampler
from assay.text.technique import TextTest

__all__ = ["replay_text"]


def replay_text(
    batches: Iterable[FindingBatch], test: TextTest, panel: Any, *, chunk: int = 512
) -> ReplayResult:
    """Ask the classifiers (``panel``: their answers side by side) each stored minimal
    sentence (and, for a metamorphic run, the variant that broke the relation with it) and
    judge the answers with the run's oracle.  A directional finding stored without its
    relation (runs of older versions) cannot be judged: counted as skipped, never as fixed."""
    oracle = test.make_oracle(
        Sampler(test.grammar, max_depth=test.max_depth, weighted=test.weighted)
    )
    total = failing = skipped = 0
    examples: list[int] = []
    for batch in batches:
        if not batch.kind.startswith("text-") or not len(batch):
            continue
        minimal = [str(x) for x in np.asarray(batch.inputs)[:, 0]]
        if oracle.kind == "differential":
            for lo in range(0, len(minimal), chunk):
                out = panel.predict(minimal[lo : lo + chunk])
                bad = oracle.judge([row[None] for row in out], []).error
                if len(examples) < 10:
                    examples.extend((total + np.flatnonzero(bad)[: 10 - len(examples)]).tolist())
                failing += int(bad.sum())
                total += len(bad)
            continue
        variants = [str(v) for v in batch.columns.get("variant", [""] * len(batch))]
        relation = batch.columns.get("relation")
        if oracle.kind == "directional" and relation is None:
            skipped += len(batch)
            continue
        rel = np.full(len(batch), -1) if relation is None else np.asarray(relation, dtype=int)
        for lo in range(0, len(minimal), chunk):
            pairs = [
                s
                for i in range(lo, min(lo + chunk, len(minimal)))
                for s in (minimal[i], variants[i] or minimal[i])
            ]
            out = panel.predict(pairs).reshape(len(pairs) // 2, 2, -1)
            bad = np.array([oracle.breaks(o, int(r)) for o, r in zip(out, rel[lo:], strict=False)])
            if len(examples) < 10:
                examples.extend((total + np.flatnonzero(bad)[: 10 - len(examples)]).tolist())
            failing += int(bad.sum())
            total += len(bad)
    why = (
        f"{skipped:,} directional findings were stored without their relation (by an older "
        "assay): rerun the test to replay them"
        if skipped
        else ""
    )
    return ReplayResult(total, failing, examples, skipped=skipped, why_skipped=why)
