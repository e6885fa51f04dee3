"""The two answers of a text pipeline refused at loading (``models.pipeline_answers``:
independent scores per class, one output's label named to every sentence) at their edges
(mutation45): scores that add up to just over 1 or outside [0, 1], a three-class model
answering one label at 0.4 to 0.8, two labels, one-element lists."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.models.pipeline_answers import independent_scores, one_output_scores


def _ranked(*rows: dict[str, float]) -> list[list[dict[str, Any]]]:
    return [[{"label": k, "score": v} for k, v in row.items()] for row in rows]


def test_independent_scores_are_those_in_0_1_adding_up_to_over_1_02() -> None:
    said = independent_scores(
        _ranked({"toxic": 0.2, "insult": 0.1}, {"toxic": 0.9, "insult": 0.4}), ["a", "b"]
    )
    assert said is not None and "1.30 for input 1 ('b')" in said, said
    # within the rounding a softmax leaves: one class per sentence
    assert independent_scores(_ranked({"pos": 0.51, "neg": 0.5})) is None
    # logits, not scores in [0, 1]
    assert independent_scores(_ranked({"pos": 2.5, "neg": -1.0})) is None
    # no ranked answer at all: an array of probabilities, labels
    assert independent_scores(np.array([[0.9, 0.8], [0.7, 0.6]])) is None
    assert independent_scores(["pos", "neg"]) is None


def _entries(label: str | list[str], scores: list[float], wrap: bool = False) -> list[Any]:
    labels = [label] * len(scores) if isinstance(label, str) else label
    rows = [{"label": lab, "score": s} for lab, s in zip(labels, scores, strict=True)]
    return [[r] for r in rows] if wrap else rows


def test_one_label_scored_under_a_quarter_and_over_a_half_is_one_output() -> None:
    said = one_output_scores(_entries("LABEL_0", [0.1, 0.7, 0.3]))
    assert said is not None and "'LABEL_0'" in said and "from 0.10 to 0.70" in said, said
    assert one_output_scores(_entries("LABEL_0", [0.1, 0.7], wrap=True)) is not None


def test_answers_that_are_not_one_outputs_label() -> None:
    # a three-class model answering "neutral" to every sentence, scored 0.4 to 0.8
    assert one_output_scores(_entries("neutral", [0.4, 0.8, 0.6])) is None
    # two labels; scores beyond 1 (no probabilities)
    assert one_output_scores(_entries(["pos", "neg"], [0.1, 0.9])) is None
    assert one_output_scores(_entries("LABEL_0", [0.1, 3.0])) is None
