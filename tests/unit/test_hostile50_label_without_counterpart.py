"""A differential run that compared only some sentences names the labels left without a
counterpart by the classifier that answered them (hostile50): one classifier answering an
empty label on 5 sentences of 40 was said as "on the others a classifier's label had no
counterpart: a: ''; empty_some: '' (5 sentences)", naming a classifier that never answered
it (its labels, read off its answers, take the others': a label it never gave)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reviews import review_grammar, silent_on_soup, steady, written_grammar

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = review_grammar()


def test_the_label_left_without_a_counterpart_is_named_by_its_classifier_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grammar = written_grammar(tmp_path, monkeypatch, GRAMMAR)
    result = assay.check_text(
        [steady, silent_on_soup], grammar=str(grammar), seed=0, store=tmp_path / "t.db"
    )
    said = result.headline
    assert "only 35 of the 40 sentences judged could be compared" in said, said
    assert "silent_on_soup: '' (5 sentences)" in said, said
    assert "steady:" not in said, said  # (it answered no empty label)
