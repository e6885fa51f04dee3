"""Text classifiers answering as real libraries do (text42): spaCy's ``doc.cats`` dicts and
NumPy structured arrays were refused ("cannot tell what the model answers from an answer of
shape (2,) and type object"); a Hugging Face pipeline called with ``top_k=2`` over three
classes had its two classes taken for all of them (exit 3, "probabilities ... sum to 0.9");
one whose rows named two classes for some sentences and three for others crashed loading
(exit 5, numpy's "inhomogeneous shape"); a NaN score of a ``top_k=None`` row was said to be
a class the row lacked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.errors import ModelError

GRAMMAR = 's -> subj "was" q "."\nsubj -> "the food" | "the pasta" | "the service"\n'
GRAMMAR += 'q -> "good" | "great" | "bad" | "okay"\n'
GREAT = ["the food was great.", "the pasta was great.", "the service was great."]


def _p(s: str) -> float:
    """P(pos): "great" (and "bad") low, the rest high."""
    return 0.3 if "great" in s else (0.2 if "bad" in s else 0.8)


def labels(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


labels.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def cats(batch: list[str]) -> list[dict[str, float]]:
    return [{"pos": _p(s), "neg": 1 - _p(s)} for s in batch]


def structured(batch: list[str]) -> Any:
    out = np.zeros(len(batch), dtype=[("neg", "f8"), ("pos", "f8")])
    for i, s in enumerate(batch):
        out[i] = (1 - _p(s), _p(s))
    return out


def _ranked(scores: dict[str, float], k: int | None = None) -> list[dict[str, Any]]:
    rows = sorted(({"label": n, "score": v} for n, v in scores.items()), key=lambda e: -e["score"])
    return rows[:k] if k else rows


def top2_of_3(batch: list[str]) -> list[list[dict[str, Any]]]:
    return [
        _ranked({"pos": _p(s) * 0.9, "neg": (1 - _p(s)) * 0.9, "neutral": 0.1}, 2) for s in batch
    ]


def neutral_on_pasta(batch: list[str]) -> list[list[dict[str, Any]]]:
    """Every class's score (``top_k=None``), a third class on some sentences only."""
    out = []
    for s in batch:
        if "pasta" in s:
            out.append(_ranked({"pos": _p(s) / 2, "neg": (1 - _p(s)) / 2, "neutral": 0.5}))
        else:
            out.append(_ranked({"pos": _p(s), "neg": 1 - _p(s)}))
    return out


def nan_on_pasta(batch: list[str]) -> list[list[dict[str, Any]]]:
    nan = {"pos": math.nan, "neg": math.nan}
    return [_ranked(nan if "pasta" in s else {"pos": _p(s), "neg": 1 - _p(s)}) for s in batch]


def _run(tmp_path: Path, other: Any, **options: Any) -> Any:
    return assay.check_text(
        [labels, other], grammar=GRAMMAR, max_queries=300, seed=1, store=str(tmp_path / "s.db"),
        **options,
    )  # fmt: skip


@pytest.mark.parametrize("other", [cats, structured], ids=["spacy-cats", "structured-array"])
def test_class_scores_by_name_are_read_as_probabilities(tmp_path: Path, other: Any) -> None:
    # the three "great" sentences ("pos" against a P(pos) of 0.3), and nothing else
    assert sorted(_run(tmp_path, other).findings()["minimal"]) == GREAT


def test_a_pipeline_answering_its_top_two_of_three_classes_is_read_by_its_best_label(
    tmp_path: Path,
) -> None:
    # "great" (0.27 pos, 0.63 neg) against "pos": three sentences; "bad" reads neg alike
    assert sorted(_run(tmp_path, top2_of_3).findings()["minimal"]) == GREAT


def test_a_pipeline_naming_a_third_class_on_some_sentences_loads(tmp_path: Path) -> None:
    same = {"neg": "neg", "pos": "pos"}  # (its "neutral" has no counterpart: not compared)
    result = _run(tmp_path, neutral_on_pasta, label_map={1: same})  # (exit 5 before text42)
    found = result.findings()
    assert "the food was great." in set(found["minimal"])
    assert "neutral" in result.headline  # its sentences uncompared, said so


def test_a_nan_score_is_a_model_failure_saying_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a finite number"):
        _run(tmp_path, nan_on_pasta)
