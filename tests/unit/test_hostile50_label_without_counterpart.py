"""A differential run that compared only some sentences names the labels left without a
counterpart by the classifier that answered them (hostile50): one classifier answering an
empty label on 5 sentences of 40 was said as "on the others a classifier's label had no
counterpart: a: ''; empty_some: '' (5 sentences)", naming a classifier that never answered
it (its labels, read off its answers, take the others': a label it never gave)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """\
%start review
review -> "the" thing "was" neg quality "."
thing -> "food" | "pizza" | "soup" | "service"
neg -> "" | "not"
quality -> "good" | "great" | "bad" | "awful" | "okay"
"""


def _sign(s: str) -> str:
    good = any(w in s for w in ("good", "great", "okay"))
    return "positive" if good != ("not" in s) else "negative"


def steady(sentences: Sequence[str]) -> list[str]:
    return [_sign(s) for s in sentences]


def silent_on_soup(sentences: Sequence[str]) -> list[str]:
    """As ``steady``, but no answer (an empty label) to a negated sentence about soup."""
    return ["" if "soup" in s and "not" in s else _sign(s) for s in sentences]


def test_the_label_left_without_a_counterpart_is_named_by_its_classifier_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    grammar = tmp_path / "g.cfg"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    result = assay.check_text(
        [steady, silent_on_soup], grammar=str(grammar), seed=0, store=tmp_path / "t.db"
    )
    said = result.headline
    assert "only 35 of the 40 sentences judged could be compared" in said, said
    assert "silent_on_soup: '' (5 sentences)" in said, said
    assert "steady:" not in said, said  # (it answered no empty label)
