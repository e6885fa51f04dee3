"""A text classifier that gives one label to every sentence while its probabilities vary
(a wrapper fed the wrong form, a threshold nothing reaches) passed: an invariance run, a
differential run of two such classifiers and `assay verify` of stored findings against one
all exited 0, "no failure found" / "no longer do", though a swap or a comparison is judged
by the labels and no label could change (hostile33).  The watch of whole answers saw the
probabilities vary and took the run as tested."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay


def _positive(texts: Sequence[str]) -> np.ndarray:
    """'positive' for every sentence, at a probability that depends on its length."""
    p = np.asarray([0.8 + (len(t) % 7) / 100.0 for t in texts])
    return np.stack([p, 1.0 - p], axis=1)


def _also_positive(texts: Sequence[str]) -> np.ndarray:
    p = np.asarray([0.7 + (len(t) % 5) / 100.0 for t in texts])
    return np.stack([p, 1.0 - p], axis=1)


def _reads(texts: Sequence[str]) -> np.ndarray:
    """A classifier whose label moves with the words (and, for names, with their length)."""
    p = np.asarray(
        [
            (0.8 if any(w in t for w in ("good", "great", "love")) else 0.3) + len(t) % 7 / 100.0
            for t in texts
        ]
    )
    return np.stack([p, 1.0 - p], axis=1)


def _reads_too(texts: Sequence[str]) -> np.ndarray:
    return _reads(texts) * 0.999 + 0.0005


def _by_length(texts: Sequence[str]) -> np.ndarray:
    """A classifier whose label moves with the sentence's length (a longer name flips it)."""
    p = np.asarray([0.8 if len(t) % 2 else 0.2 for t in texts])
    return np.stack([p, 1.0 - p], axis=1)


for _f in (_positive, _also_positive, _reads, _reads_too, _by_length):
    _f.classes_ = ["positive", "negative"]  # type: ignore[attr-defined]


def _untested(tmp_path: Path, classifiers: list[Any], **options: Any) -> str:
    """The headline of a run of ``classifiers`` that tested nothing (asserted)."""
    options = {"grammar": "builtin:reviews", "max_queries": 400, "seed": 1, **options}
    r = assay.check_text(classifiers, store=tmp_path / "runs.db", **options)
    assert not r.passed
    assert r.headline.startswith("NOTHING WAS TESTED"), r.headline
    return str(r.headline)


@pytest.mark.parametrize("units", [None, 2])
def test_an_invariance_run_of_a_classifier_of_one_label_tested_nothing(
    tmp_path: Path, units: int | None
) -> None:
    more = {} if units is None else {"units": units}
    said = _untested(
        tmp_path, [_positive], grammar="builtin:names", oracle="invariance", max_queries=600, **more
    )
    assert "gave one label to every one of the" in said and "'positive'" in said


def test_a_differential_run_of_two_classifiers_of_one_label_tested_nothing(tmp_path: Path) -> None:
    assert "could never disagree" in _untested(tmp_path, [_positive, _also_positive])


def _ranks_a(texts: Sequence[str]) -> np.ndarray:
    """positive > neutral > negative for every sentence, the gaps moving with its length."""
    e = np.asarray([len(t) % 7 / 100.0 for t in texts])
    return np.stack([0.5 + e, np.full(len(e), 0.3), 0.2 - e], axis=1)


def _ranks_b(texts: Sequence[str]) -> np.ndarray:
    e = np.asarray([len(t) % 5 / 100.0 for t in texts])
    return np.stack([0.45 + e, np.full(len(e), 0.35), 0.2 - e], axis=1)


for _f in (_ranks_a, _ranks_b):
    _f.classes_ = ["positive", "neutral", "negative"]  # type: ignore[attr-defined]


def test_a_top_k_run_of_classifiers_whose_top_sets_never_move_tested_nothing(
    tmp_path: Path,
) -> None:
    """--mode topk compares each classifier's two most likely labels: two classifiers that
    always rank positive, neutral first could never disagree."""
    said = _untested(tmp_path, [_ranks_a, _ranks_b], mode="topk")
    assert "the same top-2 labels each" in said


def test_classifiers_whose_labels_move_and_agree_still_pass(tmp_path: Path) -> None:
    """The guard: two classifiers whose labels move with the sentence and always agree
    were tested, and pass."""
    r = assay.check_text(
        [_reads, _reads_too],
        grammar="builtin:reviews",
        max_queries=400,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert r.passed, r.headline


def test_verify_against_a_classifier_of_one_label_is_no_fix(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    run = assay.check_text(
        [_by_length],
        grammar="builtin:names",
        oracle="invariance",
        max_queries=400,
        seed=1,
        store=store,
    )
    assert not run.passed  # (names of other lengths move its label: failures stored)
    again = assay.verify_run(run.run_id, store=store, model=[_positive])
    assert again.total and not again.still_failing
    assert "one label each ('positive')" in again.untested
    moved = assay.verify_run(run.run_id, store=store, model=[_by_length])
    assert moved.still_failing and not moved.untested
