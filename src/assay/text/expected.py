"""The verdict of a minimum functionality test (CheckList's MFT, ``%expect NAME -> CLASS``):
the sentence's own answer against the class declared, per classifier.

The margin follows the other oracles' convention (> 0 passes, <= 0 fails, its size a
probability): the probability of the class expected less that of the likeliest other class
(labels a label map makes one counted as one class), or the reverse for ``-> not CLASS``.  A
classifier answering labels alone fails at -1 (its answer is one-hot).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.text.grammar import Expectation
from assay.text.panel import Layout

__all__ = ["expected_class"]


def expected_class(
    layout: Layout, out: np.ndarray, rel: Expectation, relation: int
) -> tuple[bool, float, dict[str, Any]]:
    """Does the sentence's row (``out[0]``) break the expectation ``rel`` (the oracle's
    relation ``relation``)?  (failing, signed margin, detail as the other oracles give it)"""
    want = layout.common.index(rel.label) if rel.label in layout.common else -1
    worst = np.inf
    failed: list[str] = []
    labels: list[list[str]] = []
    judged = False  # whether some classifier gave an answer (``panel.silent_labels``)
    for k, name in enumerate(layout.names):
        block = layout.block(out, k)[0]
        maps = layout.maps[k]
        top = int(np.argmax(block))
        labels.append([layout.labels[k][top]])
        if layout.no_answer(k, np.asarray([top])):
            continue  # (no answer: an LLM's refusal fails no expectation)
        judged = True
        if want < 0 or want not in maps:
            continue  # (a classifier with no such class: nothing of it to judge)
        mass: dict[int, float] = {}  # per class as compared (a map's labels made one)
        for i, c in enumerate(maps):
            group = c if c >= 0 else len(layout.common) + i
            mass[group] = mass.get(group, 0.0) + float(block[i])
        own = mass.pop(want)
        rival = max(mass.values(), default=0.0)
        hit = int(layout.compared(k, np.asarray([top]))[0]) == want
        passed = hit != rel.negated
        margin = (own - rival) if not rel.negated else (rival - own)
        margin = max(margin, 1e-6) if passed else min(margin, -1e-6)
        if not passed:
            failed.append(name)
        worst = min(worst, margin)
    if not np.isfinite(worst):
        worst = 1.0
    expected = f"{'not ' if rel.negated else ''}{rel.label}"
    # (``relation`` in the detail: two expectations failing with one label fail apart,
    # ``known.signature``)
    detail = {
        "failed": failed,
        "labels": labels,
        "variant": 1,
        "expected": expected,
        "relation": relation,
        "judged": judged,
    }
    return bool(failed), float(worst), detail
