"""``models.class_scores`` and ``fairness.amounts`` at their edges (mutation48): several
numbers per input from a model declaring no classes (refused past ``LOGIT_BOUND``, else read
as logits and said so), and whole numbers answered as labels past ``MAX_LABELS``.
hostile47s2's runs plant euros far past both bounds; these plant the values at them."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError, UsageError
from assay.fairness.amounts import MAX_LABELS, PROBE_ROWS, AmountWatch, amounts_at_loading
from assay.models.checked import CheckedModel
from assay.models.class_scores import (
    LOGIT_BOUND,
    beyond_logits,
    check_bound,
    read_note,
    read_scores,
    unbounded,
)

PROBE = np.arange(12.0).reshape(4, 3)


class _Scores:
    """A model answering ``answer`` (cut to the inputs asked), counting its calls."""

    def __init__(self, answer: Any, caps: Capabilities | None = None) -> None:
        self.answer = np.asarray(answer)
        self.capabilities = caps or Capabilities("tabular", 2, "proba")
        self.calls = 0
        self.score_bound = False

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.calls += 1
        return self.answer[: len(inputs)]


def test_the_bound_is_100_either_side() -> None:
    assert LOGIT_BOUND == 100.0
    table = np.array([[100.0, -100.0], [99.0, 100.5], [-100.5, 0.0], [50.0, -50.0]])
    assert unbounded(table).tolist() == [False, True, True, False]
    assert unbounded(np.array([[np.nan, 1.0]])).tolist() == [False]


def test_check_bound_names_the_first_far_row_and_counts_them() -> None:
    out = np.array([[1.0, 2.0], [3.0, 400.0], [0.0, 1.0], [-500.0, 1.0]])
    with pytest.raises(ModelError) as caught:
        check_bound(out, PROBE)
    said = str(caught.value)
    assert "[3, 400] for input 1 (2 of 4 rows beyond +-100)" in said
    check_bound(np.array([[1.0, 99.0], [-99.0, 0.0]]), PROBE)  # (within: nothing raised)


def test_beyond_logits_refuses_at_loading_naming_the_cutoff() -> None:
    with pytest.raises(UsageError, match=r"\[1,200, 300\]") as caught:
        beyond_logits([[0.5, 0.5], [1200.0, 300.0]], PROBE)
    assert caught.value.argument == "MODEL"
    beyond_logits([[0.5, 0.5], [-3.0, 7.0]], PROBE)


def test_read_note_only_for_finite_tables_of_two_columns_outside_0_and_1() -> None:
    assert read_note([[0.2, 0.8], [1.0, 0.0]]) is None  # (probabilities)
    assert read_note([[5.0], [-3.0]]) is None  # (one column: no class scores)
    assert read_note([[np.nan, 2.0], [0.1, 0.9]]) is None
    negative = read_note([[-2.0, -1.0], [-0.5, -3.0]])  # (every value below 0: logits)
    assert negative is not None and "from -3 to -0.5" in negative
    above = read_note([[0.5, 1.5]])
    assert above is not None and "2 numbers per input" in above


def test_read_scores_refuses_the_last_answer_kept() -> None:
    model = _Scores([[0.5, 0.5]] * 4)
    kept = [(PROBE, [[0.1, 0.9]] * 4), (PROBE, [[0.0, 1.0], [150.0, 1.0], [0, 1], [0, 1]])]
    with pytest.raises(UsageError, match=r"\[150, 1\]"):
        read_scores(model, PROBE, kept, declared=False)
    assert model.calls == 0


def test_read_scores_asks_the_probe_once_when_nothing_was_kept() -> None:
    model = _Scores([[-2.0, 3.0]] * 4)
    note = read_scores(model, PROBE, [], declared=False)
    assert model.calls == 1 and note is not None and "logits" in note
    assert model.score_bound is True  # (every later answer of the run checked)
    far = _Scores([[-2.0, 3.0], [0.0, 250.0]] * 2)
    with pytest.raises(UsageError):
        read_scores(far, PROBE, [], declared=False)


@pytest.mark.parametrize(
    "caps, declared",
    [
        (Capabilities("tabular", 2, "proba"), True),  # (--classes given)
        (Capabilities("tabular", 2, "proba", class_names=("no", "yes")), False),
        (Capabilities("tabular", 2, "labels"), False),
        (Capabilities("tabular", None, "proba"), False),  # (one score)
    ],
)
def test_read_scores_leaves_declared_classes_labels_and_one_score(
    caps: Capabilities, declared: bool
) -> None:
    model = _Scores([[0.0, 500.0]] * 4, caps)
    assert read_scores(model, PROBE, [(PROBE, [[0.0, 500.0]] * 4)], declared=declared) is None
    assert model.score_bound is False and model.calls == 0


def test_a_checked_model_bound_to_scores_fails_a_far_answer() -> None:
    inner = _Scores([[0.0, 1.0], [2.0, 300.0]])
    checked = CheckedModel(inner)
    assert checked.predict(np.zeros((2, 3))).shape == (2, 2)  # (not bound yet: answered)
    checked.score_bound = True
    with pytest.raises(ModelError, match="for input 1"):
        checked.predict(np.zeros((2, 3)))


def _labels(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int64)


def test_the_watch_refuses_past_32_distinct_labels_not_at_32() -> None:
    assert MAX_LABELS == 32
    watch = AmountWatch()
    watch.check(_labels(range(32)))
    watch.check(_labels(range(32)))  # (the same 32 again)
    with pytest.raises(ModelError, match="more than 32 distinct whole numbers"):
        watch.check(_labels([1000]))


def test_the_watch_reads_whole_numbers_only_and_stops_after_20000() -> None:
    floats = AmountWatch()
    floats.check(np.arange(100, dtype=np.float64))  # (no labels: not watched)
    assert not floats.seen
    watch = AmountWatch()
    for start in range(0, 20_000, 1000):  # 20,000 answers of 10 labels
        watch.check(_labels(np.arange(start, start + 1000) % 10))
    assert watch.asked == 20_000 and watch.done
    watch.check(_labels(range(100, 200)))  # (after: labels seen long enough)
    early = AmountWatch()
    early.check(_labels(np.zeros(19_999)))
    assert not early.done and early.asked == 19_999
    with pytest.raises(ModelError):
        early.check(_labels(range(40)))


class _Answers:
    def __init__(self, answer: Any) -> None:
        self.answer = np.asarray(answer)
        self.asked: list[int] = []

    def predict(self, rows: Any) -> np.ndarray:
        self.asked.append(len(rows))
        return self.answer


def test_loading_refuses_33_whole_numbers_not_32() -> None:
    assert PROBE_ROWS == 64
    amounts_at_loading(_Answers(np.arange(32)), np.zeros((64, 2)))
    with pytest.raises(UsageError, match="asked 33 inputs while loading") as caught:
        amounts_at_loading(_Answers(np.arange(33) * 100), np.zeros((33, 2)))
    assert caught.value.argument == "--cutoff"
    amounts_at_loading(_Answers(np.arange(100) * 0.5), np.zeros((100, 2)))  # (floats)
