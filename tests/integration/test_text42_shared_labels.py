"""Two classifiers whose labels differ but who share two or more (``neg, pos`` against
``neg, neutral, pos``) were refused "name their labels differently ... Give --label-map FILE
mapping each one's labels to common ones", as if none were common.  The refusal now names
the shared labels and a one-line map that compares them on those; that line, written to a
file, runs (text42)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import assay
from assay.errors import UsageError
from assay.text.label_map_line import read_map_line
from assay.text.shared_labels import shared_hint

GRAMMAR = 's -> "the" n "was" q\nn -> "food" | "pasta"\nq -> "good" | "bad" | "okay"\n'


def two(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


two.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]  # (declared: never widened)


def three(batch: list[str]) -> list[str]:
    return [
        "neutral" if "okay" in s else "neg" if "bad" in s or "pasta" in s else "pos" for s in batch
    ]


def test_the_refusal_names_the_shared_labels_and_a_map_that_runs(tmp_path: Path) -> None:
    store = str(tmp_path / "s.db")
    with pytest.raises(UsageError) as caught:
        assay.check_text([two, three], grammar=GRAMMAR, max_queries=200, seed=1, store=store)
    said = str(caught.value)
    assert "they share neg, pos" in said and "neutral left without a counterpart" in said, said
    # (a Python caller is given the dict, counted from 0: hostile53; the line before)
    given = re.search(r"`label_map=(\{[^`]+\})`", said)
    assert given is not None, said
    result = assay.check_text(
        [two, three], grammar=GRAMMAR, max_queries=200, seed=1, store=store,
        label_map=ast.literal_eval(given.group(1)),
    )  # fmt: skip
    assert set(result.findings()["minimal"]) == {"the pasta was good"}


@pytest.mark.parametrize("label", ["very good", 'say "hi"', "a\\b c", ""])
def test_the_suggested_line_reads_back_as_the_label(label: str) -> None:
    hint = shared_hint([(label, "z"), ("y", label, "z")], 1)
    line = re.search(r"`(2 .+ -> .+)`, compares", hint)
    assert line is not None, hint
    read = read_map_line(line.group(1))
    assert (read.who, read.own, read.common) == ("2", label, label)


def test_fewer_than_two_shared_labels_add_nothing() -> None:
    assert shared_hint([("neg", "pos"), ("pos", "other")], 1) == ""
