"""The refusal of two classifiers naming their labels differently suggests the label map
lines their names make unambiguous (``2 pos -> POSITIVE``), or says plainly that it cannot
(``text.map_guess``, left52b: hostile52's leftover, the refusal said only "Give --label-map
FILE mapping each one's labels to common ones")."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import ClassVar

import pytest

import assay
from assay.text.map_guess import inferred_pairs, map_guess_hint

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" A
N -> "food" | "pasta" | "service" | "room"
A -> "good" | "great" | "bad" | "awful"
"""


def _neg(text: str) -> bool:
    return "bad" in text or "awful" in text


class _Config:
    id2label: ClassVar[dict[int, str]] = {0: "NEGATIVE", 1: "POSITIVE"}


class _Inner:
    config = _Config()


class Pipeline:
    """A Hugging Face text-classification pipeline's shape: one ``{label, score}`` per text,
    its classes in ``model.config.id2label`` (transformers never imported)."""

    model = _Inner()

    def __call__(self, texts: list[str]) -> list[dict[str, object]]:
        return [
            {"label": "NEGATIVE", "score": 0.97}
            if _neg(t)
            else {"label": "POSITIVE", "score": 0.98}
            for t in texts
        ]


def short_names(texts: list[str]) -> list[str]:  # (undeclared: read off its answers)
    return ["neg" if _neg(t) else "pos" for t in texts]


def numbered(texts: list[str]) -> list[int]:
    return [0 if _neg(t) else 1 for t in texts]


numbered.classes_ = [0, 1]  # type: ignore[attr-defined]


def _refusal(models: list[object], tmp_path: Path) -> str:
    with pytest.raises(assay.UsageError) as refused:
        assay.check_text(models, grammar=GRAMMAR, max_queries=200, seed=1, store=tmp_path / "s.db")
    return str(refused.value)


def test_the_refusal_suggests_the_lines_the_names_give_and_they_run(tmp_path: Path) -> None:
    said = _refusal([Pipeline(), short_names], tmp_path)
    assert "name their labels differently" in said
    # main: "... none in common. Give --label-map FILE mapping each one's labels to common
    # ones", no line
    # (to a Python caller, the dict, counted from 0: hostile53; the lines before)
    given = re.search(r"`label_map=(\{[^`]+\})`", said)
    assert given is not None, said
    mapping = ast.literal_eval(given.group(1))
    assert mapping == {1: {"neg": "NEGATIVE", "pos": "POSITIVE"}}, said
    result = assay.check_text(
        [Pipeline(), short_names],
        grammar=GRAMMAR,
        label_map=mapping,
        max_queries=200,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert result.n_findings == 0  # (the two agree once named alike)


def test_the_refusal_says_plainly_when_the_names_give_nothing(tmp_path: Path) -> None:
    said = _refusal([Pipeline(), numbered], tmp_path)
    assert "their names cannot tell which labels are one class" in said, said
    assert "`label_map={1: {LABEL: COMMON}}`" in said, said  # (the line `2 LABEL -> COMMON`)
    assert "--label-map" not in said and "label_map=" in said  # (a Python caller's terms)


def test_only_unambiguous_pairs_are_inferred() -> None:
    assert inferred_pairs(["NEGATIVE", "POSITIVE"], ["neg", "pos"]) == [
        ("neg", "NEGATIVE"),
        ("pos", "POSITIVE"),
    ]
    # "pos" begins two labels of the first: neither is taken
    assert inferred_pairs(["positive", "posh", "negative"], ["pos", "neg"]) == [("neg", "negative")]
    # two of the other's labels begin one of the first's: neither is taken
    assert inferred_pairs(["negative"], ["neg", "nega"]) == []
    # digits and one letter say nothing of a class
    assert inferred_pairs(["10", "20"], ["1", "2"]) == []
    assert inferred_pairs(["NEGATIVE", "POSITIVE"], ["n", "p"]) == []
    # written alike once spaces and underscores go: one class
    assert inferred_pairs(["very good", "bad"], ["VERY_GOOD", "BAD"]) == [
        ("VERY_GOOD", "very good")
    ]
    # a label left over is said so; shared labels need no line
    hint = map_guess_hint(["neg", "neutral", "pos"], ["NEGATIVE", "pos"], 1, False)
    assert "`2 NEGATIVE -> neg`" in hint and "neutral left without a counterpart" in hint
    assert map_guess_hint(["neg", "pos"], ["neg", "pos", "x"], 1, False) == ""
