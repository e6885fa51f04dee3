"""mutation40: fairness's warnings of a batch-bound model (``fairness.determinism`` and the
headline's ``phases._determinism_warning``), each case apart.

hostile39 and hostile39b ran whole runs (a model standardising its batch; one with IDIs that do
not replay): the section's sentence on the other batches dropped, the end's warning dropped
when the start saw nothing, and a random model or one whose IDIs all held warned of as
batch-bound passed them."""

from __future__ import annotations

from typing import Any

from assay.fairness.determinism import batch_bound, section, start_batch_bound
from assay.fairness.phases import _determinism_warning


def _check(*, deterministic: bool | None = True, batch_changed: int = 0) -> dict[str, Any]:
    changed = 0 if deterministic is not False else 7
    return {
        "rows": 200,
        "changed": changed,
        "flip_rate": changed / 200,
        "deterministic": deterministic,
        "batch_changed": batch_changed,
    }


def _confirmation(sampled: int, confirmed: int) -> dict[str, Any]:
    rate = confirmed / sampled if sampled else None
    return {"sampled": sampled, "confirmed": confirmed, "confirmation_rate": rate, "repeats": 3}


def test_the_section_says_the_other_batches_and_warns_of_the_batch() -> None:
    out = section(_check(batch_changed=12), None)
    assert "Asked again in two other batches" in out["text"] and "12 of them" in out["text"]
    assert "depends on the batch it comes in" in out["note"]
    plain = section(_check(), None)
    assert "other batches" not in plain["text"] and "note" not in plain


def test_the_section_warns_of_idis_that_did_not_hold_when_the_start_saw_nothing() -> None:
    out = section(_check(), _confirmation(50, 30))
    assert out["note"].startswith("Warning: 20 of 50 stored IDIs re-checked")


def test_a_random_model_is_warned_of_as_random_not_as_batch_bound() -> None:
    random = _check(deterministic=False, batch_changed=5)
    assert start_batch_bound(random) is None
    assert batch_bound(random, _confirmation(50, 30)) is None
    said = _determinism_warning(random, _confirmation(50, 30))
    assert said is not None and said.startswith("the model is not deterministic")
    assert "not deterministic" in section(random, _confirmation(50, 30))["note"]


def test_nothing_to_warn_of_when_nothing_moved() -> None:
    assert start_batch_bound(_check(batch_changed=0)) is None
    assert batch_bound(_check(), _confirmation(50, 50)) is None
    assert batch_bound(_check(), _confirmation(0, 0)) is None
    assert _determinism_warning(_check(), _confirmation(50, 50)) is None


def test_the_headline_names_the_batch_from_the_start_else_from_the_idis() -> None:
    start = _determinism_warning(_check(batch_changed=12), _confirmation(50, 50))
    assert start is not None and start.startswith("the model's answers depend on the batch")
    assert "12 of 200 inputs" in start
    end = _determinism_warning(_check(), _confirmation(50, 30))
    assert end is not None and end.startswith("40.00 % of the IDIs re-checked did not hold")
