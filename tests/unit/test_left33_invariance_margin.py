"""left33: an invariance case's margin (its severity) under a label map that merges labels
(text32's Left): the verdict compared the mapped labels, the margin read the probability of
the first sentence's own top label alone, so the same failure weighed 0.4, 0.5 or 0.7 as
its first sentence said ``neutral``, ``pos`` or ``neg``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

import assay

NAMES = 'S -> "the" N "is" A\nN -> "Maria" | "John" | "Ali"\nA -> "good" | "bad"\n%invariant N\n'
FLIP = (
    'S -> "the" N "is" A\nN -> "Maria" | "John" | "Ali"\nA -> "good" | "bad"\n'
    '%directional N: "Maria" -> "John" flip\n'
)


def shares(batch: Sequence[str]) -> np.ndarray:  # neg, neutral, pos
    return np.array(
        [
            [0.1, 0.5, 0.4]  # Maria: neutral, which the map makes pos
            if "Maria" in s
            else [0.8, 0.1, 0.1]  # Ali: neg
            if "Ali" in s
            else [0.1, 0.3, 0.6]  # John: pos
            for s in batch
        ]
    )


shares.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]
MERGED = {0: {"neutral": "pos"}}


def test_an_invariance_failure_weighs_the_mass_of_the_labels_mapped_as_one(
    tmp_path: Path,
) -> None:
    result = assay.check_text(
        shares, grammar=NAMES, oracle="invariance", label_map=MERGED, max_queries=300,
        seed=1, store=tmp_path / "r.db",
    )  # fmt: skip
    found = result.findings()
    assert len(found) >= 1, result.headline
    # every failure is Ali (neg: 0.8) against Maria or John (neg: 0.1; pos with neutral:
    # 0.9 against 0.2): 0.7 whichever sentence came first
    assert np.allclose(found["severity"].astype(float), 0.7), found[["sentence", "severity"]]


def test_a_flip_weighs_the_mass_of_the_labels_mapped_as_one(tmp_path: Path) -> None:
    result = assay.check_text(
        shares, grammar=FLIP, oracle="directional", label_map=MERGED, max_queries=300,
        seed=1, store=tmp_path / "r.db",
    )  # fmt: skip
    found = result.findings()
    assert len(found) >= 1, result.headline  # Maria (neutral = pos) -> John (pos): no flip
    # how far from flipping: John's pos with neutral, 0.9, is 0.4 past the half (the own
    # top label's, neutral's 0.3, read as a flip all but made: a severity of 0)
    assert np.allclose(found["severity"].astype(float), 0.4), found[["sentence", "severity"]]
