"""left53 (left52b's Left): the label-map suggestion paired labels by prefix alone, so a
Hugging Face model's default labels ``LABEL_0``, ``LABEL_1`` beside a classifier answering
``0``, ``1`` got "their names cannot tell which labels are one class".  Labels naming
numbers now pair by them where both sides name the same numbers; where they do not (``0``,
``1`` against ``1 star``, ``2 stars``: counted from 0 and from 1) it still says it cannot."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import ClassVar

import pytest
from test_left52b_map_guess import GRAMMAR, _neg  # (left52b's grammar and sentiment)

import assay
from assay.text.map_guess import inferred_pairs, map_guess_hint

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


class _Config:
    id2label: ClassVar[dict[int, str]] = {0: "LABEL_0", 1: "LABEL_1"}


class _Inner:
    config = _Config()


class Pipeline:
    """A Hugging Face pipeline of a model whose labels were never named (``LABEL_N``)."""

    model = _Inner()

    def __call__(self, texts: list[str]) -> list[dict[str, object]]:
        return [{"label": "LABEL_0" if _neg(t) else "LABEL_1", "score": 0.9} for t in texts]


def numbered(texts: list[str]) -> list[int]:
    return [0 if _neg(t) else 1 for t in texts]


numbered.classes_ = [0, 1]  # type: ignore[attr-defined]


def test_a_pipelines_label_n_pairs_with_a_classifiers_n_and_the_lines_run(
    tmp_path: Path,
) -> None:
    with pytest.raises(assay.UsageError) as refused:
        assay.check_text(
            [Pipeline(), numbered],
            grammar=GRAMMAR,
            max_queries=200,
            seed=1,
            store=tmp_path / "s.db",
        )
    said = str(refused.value)
    # main: "their names cannot tell which labels are one class"; a Python caller is given
    # the dict (hostile53), not the map file's lines
    found = re.search(r"`label_map=(\{.*?\}\})`", said)
    assert found, said
    label_map = ast.literal_eval(found.group(1))
    assert label_map == {1: {"0": "LABEL_0", "1": "LABEL_1"}}, said
    assert "each pair names one number" in said
    result = assay.check_text(
        [Pipeline(), numbered],
        grammar=GRAMMAR,
        label_map=label_map,
        max_queries=200,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings == 0  # (the two agree once named alike)


def test_numbered_labels_pair_only_where_both_sides_name_the_same_numbers() -> None:
    assert inferred_pairs(["0", "1"], ["LABEL_0", "LABEL_1"]) == [
        ("LABEL_0", "0"),
        ("LABEL_1", "1"),
    ]
    assert inferred_pairs(["class 2", "class 1"], ["1", "2"]) == [
        ("1", "class 1"),
        ("2", "class 2"),
    ]
    assert inferred_pairs(["1 star", "2 stars"], ["1", "2"]) == [("1", "1 star"), ("2", "2 stars")]
    # counted from 0 on one side, from 1 on the other: no pair, said plainly
    assert inferred_pairs(["1 star", "2 stars"], ["0", "1"]) == []
    hint = map_guess_hint(["1 star", "2 stars"], ["0", "1"], 1, True)
    assert "their names cannot tell which labels are one class" in hint
    # a label naming no number beside them: no pairing by numbers
    assert inferred_pairs(["LABEL_0", "LABEL_1", "neutral"], ["0", "1", "2"]) == []
    # as before: prefixes, whatever the case (NEG / negative)
    assert inferred_pairs(["negative", "positive"], ["NEG", "POS"]) == [
        ("NEG", "negative"),
        ("POS", "positive"),
    ]
