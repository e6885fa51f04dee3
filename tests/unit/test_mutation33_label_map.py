"""A label map's labels made one, as a metamorphic oracle compares them, piece by piece
(bench/RESULTS.md, mutation33's table: mutants MM5, MM6, MM9 and MM10 survived
``test_text32_metamorphic_map.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

import assay
from assay.text.oracle import _as_one, odd_rows
from assay.text.panel import Layout

from test_text32_metamorphic_map import NAMES, stars  # isort: skip

# neg has no counterpart; neutral and pos are made one ("pos", common label 0)
LAYOUT = Layout(("c",), (("neg", "neutral", "pos"),), (0,), ("pos",), ((-1, 0, 0),))


def test_a_label_without_a_counterpart_is_itself() -> None:
    said = LAYOUT.compared(0, np.array([0, 1, 2]))
    assert said[1] == said[2]  # (neutral and pos: one)
    assert said[0] != said[1]  # (mutant MM9: neg, own index 0, read as common label 0)
    assert _as_one((-1, -1, 0), 0) == [0]  # (mutant MM5: every unmapped label as one)
    assert _as_one((-1, 0, 0), 2) == [1, 2]


def test_variants_apart_only_in_labels_made_one_are_not_odd() -> None:
    pos, neutral, neg = [0.0, 0.2, 0.8], [0.0, 0.8, 0.2], [0.8, 0.1, 0.1]
    assert odd_rows(LAYOUT, np.array([pos, neutral, pos, pos])) == []  # (MM6: [1])
    assert odd_rows(LAYOUT, np.array([pos, neg, neutral, pos])) == [1]


def shifting(batch: Sequence[str]) -> np.ndarray:  # neg, neutral, pos: bad moves neutral to pos
    return np.array([[0.1, 0.3, 0.6] if "good" in s else [0.1, 0.1, 0.8] for s in batch])


shifting.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]


def test_away_adds_every_label_made_one(tmp_path: Path) -> None:
    """pos with neutral: 0.9 -> 0.9, not away (mutant MM10, neutral's 0.3 -> 0.1 alone read,
    fell away: no finding)."""
    kw = {"grammar": NAMES.replace("flip", "away"), "oracle": "directional", "seed": 1}
    mapped = assay.check_text(
        shifting, store=tmp_path / "b.db", label_map={0: {"neutral": "pos"}}, max_queries=300,
        **kw,
    )  # fmt: skip
    assert mapped.n_findings >= 1, mapped.headline


def test_an_invariance_class_whose_labels_are_made_one_never_fails(tmp_path: Path) -> None:
    """Maria (neutral) and John (pos) alone, neutral made pos: no case can fail (mutant
    MM1, changes judged on the classifier's own labels: every case failed; the grammar of
    ``test_text32_metamorphic_map`` puts Ali, neg, in every case, which hid it)."""
    two = NAMES.replace(' | "Ali"', "")
    r = assay.check_text(
        stars, grammar=two, oracle="invariance", max_queries=100, seed=1,
        label_map={0: {"neutral": "pos"}}, store=tmp_path / "r.db",
    )  # fmt: skip
    assert r.n_findings == 0, r.headline
