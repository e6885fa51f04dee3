"""left43t: a classifier answering ``{label, score}`` lists (a pipeline's ``top_k=None``) whose
rows name different classes is read by its best label, as certain: loading now says so
(``assay text`` prints it as a note); before, nothing did, and ``--mode distance`` compared
its best label as probability 1 without a word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.cli.text_cmd import _locale_note
from assay.text.api import setup_text

GRAMMAR = 's -> subj neg "喜欢" "。"\nsubj -> "我" | "他"\nneg -> "" | "不"\n'


def varied(batch: list[str]) -> list[list[dict[str, Any]]]:
    return [
        [{"label": "neg", "score": 0.8}, {"label": "pos", "score": 0.2}]
        if i % 2  # (every batch of two or more: rows of two class sets)
        else [{"label": "pos", "score": 0.7}, {"label": "neutral", "score": 0.3}]
        for i, _ in enumerate(batch)
    ]


def every(batch: list[str]) -> list[list[dict[str, Any]]]:
    return [
        [
            {"label": "neg", "score": 0.6},
            {"label": "neutral", "score": 0.1},
            {"label": "pos", "score": 0.3},
        ]
        for _ in batch
    ]


def test_rows_naming_different_classes_are_said_to_be_read_by_the_best_label(
    tmp_path: Path,
) -> None:
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    setup = setup_text([varied, every], grammar=str(tmp_path / "g.cfg"))
    said = _locale_note(setup.model.models[0])
    assert said is not None and "read by its best label" in said
    assert "(neg, pos; neutral, pos)" in said or "(neutral, pos; neg, pos)" in said
    assert _locale_note(setup.model.models[1]) is None  # every class in each row: scores
