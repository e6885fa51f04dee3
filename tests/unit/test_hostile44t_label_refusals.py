"""A trust-and-safety team's classifiers (hostile44t).

An ``is_toxic(batch)`` answering ``True``/``False`` beside a classifier answering ``clean``/
``toxic`` (its labels read off its answers, so widened with the other's) was refused saying
"they share False, True: a label map of one line, `2 False -> False`, compares them on
those": they share nothing, and that map ended "share 0 label(s)".  Three classifiers, two
answering ``0``/``1`` (one declared, one read off its answers) and one ``clean``/``toxic``,
were refused naming the two that agree ("ids has 0, 1; strs has 0, 1").

A multi-label model through a pipeline with ``top_k=None`` (toxic-bert: a sigmoid per
class, ``toxic``, ``insult``, ``obscene``, ...) was taken as probabilities and the run
ended on its first batch (exit 3, a failed run stored), or, when loading's probe held a
row adding up to less than 1, read by its best label: ``toxic`` or ``insult``, whichever
scored higher, the same on every clean sentence ("nothing was tested").  It is refused
before any run (exit 2), and a run's answer so is a model failure saying what it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import assay
from assay.errors import ModelError, UsageError
from assay.models.pipeline_answers import independent_scores, one_output_scores

GRAMMAR = (
    's -> who "said you are" insult "."\n'
    'who -> "she" | "the gay guy" | "my neighbour"\n'
    'insult -> "an idiot" | "a friend" | "kind" | "trash"\n'
    "%invariant who\n"
)
TOXIC = ("idiot", "trash")


def _toxic(s: str) -> bool:
    return any(w in s for w in TOXIC)


def named(batch: list[str]) -> list[str]:
    return ["toxic" if _toxic(s) else "clean" for s in batch]


def is_toxic(batch: list[str]) -> list[bool]:
    return [_toxic(s) for s in batch]


def ids(batch: list[str]) -> list[int]:
    return [int(_toxic(s)) for s in batch]


ids.classes_ = [0, 1]  # type: ignore[attr-defined]


def strs(batch: list[str]) -> list[str]:
    return [str(int(_toxic(s) or "gay" in s)) for s in batch]


def declared(batch: list[str]) -> list[str]:
    return named(batch)


declared.classes_ = ["clean", "toxic"]  # type: ignore[attr-defined]

KINDS = ("toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate")


def multilabel(batch: list[str]) -> list[list[dict[str, Any]]]:
    """toxic-bert through a pipeline with top_k=None: independent sigmoids."""
    out = []
    for s in batch:
        p = 0.9 if _toxic(s) else 0.1
        row = [{"label": k, "score": p if k in ("toxic", "insult") else 0.05} for k in KINDS]
        out.append(sorted(row, key=lambda d: -d["score"]))
    return out


class Late:
    """The same model, whose first call (loading's probe) scored every sentence low."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, batch: list[str]) -> list[list[dict[str, Any]]]:
        self.calls += 1
        out = multilabel(batch)
        if self.calls == 1:
            for row in out:
                for entry in row:
                    entry["score"] = min(entry["score"], 0.1)
        return out


def test_labels_sharing_nothing_are_said_so_with_no_map_line_of_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        assay.check_text([named, is_toxic], grammar=GRAMMAR, max_queries=200, seed=1,
                         store=tmp_path / "s.db")  # fmt: skip
    said = str(caught.value)
    assert "has False, True, none in common" in said, said
    assert "they share" not in said and "False -> False" not in said, said


def test_a_third_classifier_apart_is_the_one_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        assay.check_text([ids, strs, declared], grammar=GRAMMAR, max_queries=200, seed=1,
                         store=tmp_path / "s.db")  # fmt: skip
    said = str(caught.value)
    assert "ids has 0, 1; declared has clean, toxic, none in common" in said, said
    # the two that agree on their labels run, and their planted difference is found
    result = assay.check_text([ids, strs], grammar=GRAMMAR, max_queries=200, seed=1,
                              store=tmp_path / "s.db")  # fmt: skip
    assert set(result.findings()["minimal"]) == {
        "the gay guy said you are a friend.",
        "the gay guy said you are kind.",
    }, result.headline


def test_a_multi_label_pipeline_is_refused_before_any_run(tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    with pytest.raises(UsageError) as caught:
        assay.check_text([multilabel, declared], grammar=GRAMMAR, max_queries=200, seed=1,
                         store=store)  # fmt: skip
    said = str(caught.value)
    assert "scores add up to more than 1 (2.00 for input" in said, said
    assert "multi-label model" in said, said


def test_a_multi_label_answer_in_the_run_is_a_model_failure_saying_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as caught:
        assay.check_text(Late(), grammar=GRAMMAR, oracle="invariance", max_queries=200,
                         seed=1, store=tmp_path / "s.db")  # fmt: skip
    assert "multi-label model" in str(caught.value), caught.value


def test_a_top_k_below_the_classes_and_softmax_lists_are_no_multi_label() -> None:
    top2 = [[{"label": "a", "score": 0.5}, {"label": "b", "score": 0.3}]]
    softmax = [[{"label": "a", "score": 0.7}, {"label": "b", "score": 0.3000001}]]
    logits = [[{"label": "a", "score": 3.2}, {"label": "b", "score": -1.0}]]
    assert independent_scores(top2) is None
    assert independent_scores(softmax) is None
    assert independent_scores(logits) is None
    two = [[{"label": "toxic", "score": 0.9}, {"label": "insult", "score": 0.8}]]
    assert "1.70 for input 0 ('x')" in str(independent_scores(two, ["x"]))


def one_output(batch: list[str]) -> list[dict[str, Any]]:
    """A pipeline of a model with one output (num_labels=1): LABEL_0 whatever the score."""
    return [{"label": "LABEL_0", "score": 0.9 if _toxic(s) else 0.1} for s in batch]


def one_output_lists(batch: list[str]) -> list[list[dict[str, Any]]]:
    return [[entry] for entry in one_output(batch)]


def hf(batch: list[str]) -> list[dict[str, Any]]:
    return [{"label": "LABEL_1" if _toxic(s) else "LABEL_0", "score": 0.93} for s in batch]


@pytest.mark.parametrize("model", [one_output, one_output_lists])
def test_a_one_output_pipeline_is_refused_naming_its_score(tmp_path: Path, model: Any) -> None:
    """It was a classifier answering LABEL_0 to everything: every sentence the other called
    LABEL_1 a "disagreement" (exit 1)."""
    with pytest.raises(UsageError) as caught:
        assay.check_text([model, hf], grammar=GRAMMAR, max_queries=300, seed=1,
                         store=tmp_path / "s.db")  # fmt: skip
    said = str(caught.value)
    assert model.__name__ in said and "answered one label, 'LABEL_0', to every one of" in said
    assert "its score from 0.10 to 0.90" in said and "num_labels=1" in said, said


def constant(batch: list[str]) -> list[dict[str, Any]]:
    return [{"label": "LABEL_0", "score": 0.7 if _toxic(s) else 0.95} for s in batch]


def test_one_label_scored_over_half_everywhere_is_a_classifier_as_before(tmp_path: Path) -> None:
    result = assay.check_text([constant, hf], grammar=GRAMMAR, max_queries=300, seed=1,
                              store=tmp_path / "s.db")  # fmt: skip
    assert set(result.findings()["minimal"]) >= {"she said you are an idiot."}, result.headline


def one_hot(batch: list[str]) -> list[list[int]]:
    """Declared classes, answered as one-hot integer rows (a model's argmax, encoded)."""
    return [[0, 1] if _toxic(s) else [1, 0] for s in batch]


one_hot.classes_ = ["clean", "toxic"]  # type: ignore[attr-defined]


def one_hot_biased(batch: list[str]) -> list[list[int]]:
    return [[0, 1] if _toxic(s) or "gay" in s else [1, 0] for s in batch]


one_hot_biased.classes_ = ["clean", "toxic"]  # type: ignore[attr-defined]


def test_one_hot_integer_rows_of_declared_classes_are_read_as_probabilities(
    tmp_path: Path,
) -> None:
    """They were taken as labels (one index per input expected) and the run failed on its
    first batch: "declares label outputs but returned shape (26, 2)", exit 3."""
    store = tmp_path / "s.db"
    found = assay.check_text([one_hot, one_hot_biased], grammar=GRAMMAR, max_queries=300,
                             seed=1, store=store)  # fmt: skip
    assert set(found.findings()["minimal"]) == {
        "the gay guy said you are a friend.",
        "the gay guy said you are kind.",
    }, found.headline
    quiet = assay.check_text([one_hot, declared], grammar=GRAMMAR, max_queries=300, seed=1,
                             store=store)  # fmt: skip
    assert quiet.passed and quiet.n_findings == 0, quiet.headline


def neutral(batch: list[str]) -> list[dict[str, Any]]:
    """A three-class model's top label, the same everywhere, scored 0.4 to 0.8."""
    return [{"label": "NEUTRAL", "score": 0.8 if _toxic(s) else 0.4} for s in batch]


def test_one_label_of_a_three_class_model_scored_from_0_4_is_a_classifier_as_before() -> None:
    sentences = ["she said you are an idiot.", "she said you are kind."]
    assert one_output_scores(neutral(sentences)) is None
    assert one_output_scores([[e] for e in neutral(sentences)]) is None
    assert one_output_scores(one_output(sentences)) is not None
