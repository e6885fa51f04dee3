"""The text label watch in whole runs (mutation34: mutants LW8 and EN1 survived the tests
merged with it): a run of units in --mode topk says its classifiers' one top-k set as one;
labels that move only after the classifiers' answers have varied are still watched, and
such classifiers, agreeing, pass."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import assay

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile33_one_label import _ranks_a, _ranks_b  # isort: skip


def test_a_top_k_run_of_units_says_its_one_top_k_set(tmp_path: Path) -> None:
    r = assay.check_text(
        [_ranks_a, _ranks_b],
        grammar="builtin:reviews",
        max_queries=400,
        seed=1,
        mode="topk",
        units=2,
        store=tmp_path / "runs.db",
    )
    assert not r.passed
    assert r.headline.startswith("NOTHING WAS TESTED"), r.headline
    assert "the same top-2 labels each" in r.headline, r.headline


class _Late:
    """'positive' for the first ``first`` sentences it is asked (its scores varying with
    their length), then by the words: a label that moves only later in the run."""

    def __init__(self, first: int) -> None:
        self.classes_ = ["positive", "negative"]
        self.first = first
        self.asked = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        for t in texts:
            self.asked += 1
            good = self.asked <= self.first or any(w in t for w in ("good", "great", "love"))
            out.append((0.8 if good else 0.3) + len(t) % 7 / 100.0)
        p = np.asarray(out)
        return np.stack([p, 1.0 - p], axis=1)


def test_labels_that_move_after_the_answers_varied_are_seen_to_move(tmp_path: Path) -> None:
    a, b = _Late(120), _Late(120)
    r = assay.check_text(
        [a, b], grammar="builtin:reviews", max_queries=600, seed=1, store=tmp_path / "runs.db"
    )
    assert r.passed, r.headline


def _short_positive(texts: Sequence[str]) -> np.ndarray:
    """A fix: 'positive' below 45 characters (every stored failing sentence of ``_by_length``
    on the names grammar), 'negative' from there: its label moves on longer sentences."""
    p = np.asarray([(0.8 if len(t) < 45 else 0.3) + len(t) % 7 / 100.0 for t in texts])
    return np.stack([p, 1.0 - p], axis=1)


_short_positive.classes_ = ["positive", "negative"]  # type: ignore[attr-defined]


def test_a_fix_of_one_label_on_the_stored_sentences_is_tried_on_others(tmp_path: Path) -> None:
    """Its one label on the stored sentences is a fix's (they were all alike) or a
    classifier's that never changes it: other sentences of the grammar tell (mutant TR1,
    none drawn once the scores varied, said it untested)."""
    from test_hostile33_one_label import _by_length

    store = tmp_path / "runs.db"
    run = assay.check_text(
        [_by_length], grammar="builtin:names", oracle="invariance", max_queries=400, seed=1,
        store=store,
    )  # fmt: skip
    assert not run.passed
    fixed = assay.verify_run(run.run_id, store=store, model=[_short_positive])
    assert fixed.total and not fixed.still_failing and not fixed.untested, fixed
    assert fixed.passed
