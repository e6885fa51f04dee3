"""mutation40: text's probe at the start (``text.recheck.probe``) with a panel of two
classifiers, one steady and one that is not.

hostile39b's text tests read the probe's result through ``record_recheck`` and a whole run:
the classifier bound to its batch left unnamed, a random one named beside it, the halves
split by position rather than the sentences' lengths, and a failed call left uncounted passed
them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_hostile39b_batch_start import _Store

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.text.recheck import probe

SENTENCES = [f"sentence {'x' * k}" for k in (3, 9, 1, 7, 5, 11, 2, 8)]


class _Panel:
    """Two classifiers of two columns each: ``a`` answers by the sentence alone, ``b`` as
    ``how`` says (by the batch's mean length, at random, ...)."""

    capabilities = Capabilities("text", 2, "proba")

    def __init__(self, how: str, fail_at: int | None = None) -> None:
        self.how, self.fail_at = how, fail_at
        self.asked: list[list[str]] = []
        self.rng = np.random.default_rng(0)

    def predict(self, batch: Any) -> np.ndarray:
        batch = list(batch)
        self.asked.append(batch)
        if self.fail_at is not None and len(self.asked) == self.fail_at:
            raise ModelError("the classifier went away")
        lengths = np.array([len(s) for s in batch], dtype=float)
        a = (lengths > 12).astype(float)
        if self.how == "batch":
            b = (lengths > lengths.mean()).astype(float)
        elif self.how == "random-a":
            a = self.rng.integers(0, 2, len(batch)).astype(float)
            b = (lengths > lengths.mean()).astype(float)
        elif self.how == "noise":  # (a batch of another size sums in another order)
            b = a + (5e-6 if len(batch) < len(SENTENCES) else 0.0)
        else:
            b = a
        return np.column_stack([1 - a, a, 1 - b, b])


def _probe(panel: _Panel) -> dict[str, Any]:
    return probe(panel, SENTENCES, ["m.py:a", "m.py:b"], [2, 2], call_timeout=None)  # type: ignore[arg-type]


def test_the_classifier_bound_to_its_batch_is_named_alone() -> None:
    found = _probe(_Panel("batch"))
    assert found["changed"] == 0 and found["batch_changed"] > 0
    assert found["classifiers"] == ["m.py:b"]
    assert found["queries"] == 24 and found["calls"] == 4


def test_a_random_classifier_is_named_by_its_own_batch_asked_again() -> None:
    """``a`` answers at random, ``b`` by its batch: the changes are put down to chance (not
    deterministic), and only ``a`` answered its own batch otherwise."""
    found = _probe(_Panel("random-a"))
    assert found["changed"] > 0 and found["batch_changed"] == 0
    assert found["classifiers"] == ["m.py:a"]


def test_the_second_round_asks_the_longest_sentences_first() -> None:
    panel = _Panel("steady")
    found = _probe(panel)
    assert found["classifiers"] == [] and found["calls"] == 3
    _, upper, lower = panel.asked
    by_length = sorted(SENTENCES, key=len, reverse=True)
    assert upper == by_length[:4] and lower == by_length[4:]


def test_a_call_that_failed_is_counted() -> None:
    found = _probe(_Panel("steady", fail_at=2))
    assert "went away" in found["skipped"]
    assert found["calls"] == 2 and found["queries"] == 12  # (the failed call's 4 sent)


def test_float_noise_between_batches_is_not_the_batch() -> None:
    found = _probe(_Panel("noise"))
    assert found["calls"] == 4  # (answers moved: the first batch asked again, alike)
    assert found["changed"] == 0 and found["batch_changed"] == 0


def test_the_recheck_s_changes_are_put_down_to_what_the_probe_saw() -> None:
    from assay.text.recheck import _cause

    assert _cause({"changed": 2, "batch_changed": 0}) == "the classifiers are not deterministic"
    assert _cause({"changed": 0, "batch_changed": 3}).endswith(
        "depend on the batch they are asked in"
    )
    both = _cause(None)
    assert "not deterministic or their answers depend on the batch" in both


def test_the_recheck_s_warning_names_the_batch_the_probe_saw(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.text import recheck as text_recheck

    def rechecked(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"sampled": 10, "changed": 4, "queries": 10, "calls": 1}

    monkeypatch.setattr(text_recheck, "recheck", rechecked)
    store = _Store()
    probed = {"sentences": 32, "changed": 0, "batch_changed": 5, "classifiers": ["m.py:b"]}
    text_recheck.record_recheck(store, "r", object(), call_timeout=None, probed=probed)  # type: ignore[arg-type]
    said = [w for w in store.summary["warnings"] if "minimal failing sentences" in w]
    assert said and said[0].startswith("the classifiers' answers depend on the batch"), said
    (section,) = [s for s in store.summary["sections"] if "asked twice" in s["text"]]
    assert (
        "0 were answered otherwise in their own batch, 5 only in the other batches"
        in (section["text"])
    )
