"""A text classifier's pandas answer indexed by its sentences and sorted (`sort_index()`, a
`groupby` or `merge` on the text) was read by position: each answer given to another
sentence (hostile53: 90 findings where the classifier has 26, "not deterministic").  It is
now read in the batch's order: the same findings as the same classifier answering in
order."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hostile53_reviews import GRAMMAR, blind, p_pos

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def in_order(batch: list[str]) -> pd.DataFrame:
    p = [p_pos(t) for t in batch]
    return pd.DataFrame({"neg": [1 - x for x in p], "pos": p})


def sorted_by_text(batch: list[str]) -> pd.DataFrame:
    return in_order(batch).set_axis(list(batch)).sort_index()


def labels_sorted_by_text(batch: list[str]) -> pd.Series:
    labels = ["pos" if p_pos(t) > 0.5 else "neg" for t in batch]
    return pd.Series(labels, index=list(batch)).sort_index()


def minimal(model: object, tmp_path: Path, name: str) -> set[str]:
    result = assay.check_text(
        [model, blind], grammar=GRAMMAR, max_queries=300, seed=1, store=tmp_path / f"{name}.db"
    )
    assert result.summary["text"]["labels"]["common"] == ["neg", "pos"]
    return set(result.findings()["minimal"])


@pytest.mark.parametrize("model", [sorted_by_text, labels_sorted_by_text])
def test_an_answer_indexed_by_its_sentences_is_read_in_their_order(
    model: object, tmp_path: Path
) -> None:
    expected = minimal(in_order, tmp_path, "a")
    assert expected and all("not" in s.split() for s in expected), expected
    assert minimal(model, tmp_path, "b") == expected


def test_sentences_twice_in_a_batch_reordered_are_refused() -> None:
    from assay.errors import ModelError
    from assay.models.sentence_index import in_sentence_order

    batch = ["b", "a", "b"]
    answer = pd.Series(["x", "y", "z"], index=sorted(batch))
    with pytest.raises(ModelError, match="which sentence each answer is for cannot be told"):
        in_sentence_order(answer, batch)
    ids = pd.Series(["x", "y"], index=["id1", "id2"])  # (the user's ids: read by position)
    assert in_sentence_order(ids, ["b", "a"]) is ids
