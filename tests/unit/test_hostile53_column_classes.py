"""A text classifier declaring `classes_ = ["neg", "pos"]` and answering a DataFrame of
columns `positive`, `negative` was read by position, `positive` taken for `neg` (hostile53:
279 disagreements / 147 minimal where the classifier has 130 / 26).  It is refused before
the run, naming both; declared as its columns name them, it is read right."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hostile53_reviews import GRAMMAR, blind, p_pos

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def frame(batch: list[str]) -> pd.DataFrame:
    p = [p_pos(t) for t in batch]
    return pd.DataFrame({"positive": p, "negative": [1 - x for x in p]})


def mislabelled(batch: list[str]) -> pd.DataFrame:
    return frame(batch)


mislabelled.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def declared_as_named(batch: list[str]) -> pd.DataFrame:
    return frame(batch)


declared_as_named.classes_ = ["positive", "negative"]  # type: ignore[attr-defined]


def ordered(batch: list[str]) -> pd.DataFrame:
    return frame(batch)[["negative", "positive"]].set_axis(["neg", "pos"], axis=1)


def test_columns_naming_other_classes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(assay.UsageError) as caught:
        assay.check_text(
            [mislabelled, blind], grammar=GRAMMAR, max_queries=300, seed=1, store=tmp_path / "r"
        )
    said = str(caught.value)
    assert "columns 'positive', 'negative', but declares its classes as 'neg', 'pos'" in said
    assert "`classes_ = ['positive', 'negative']`" in said, said


def test_declared_as_its_columns_it_is_read_right(tmp_path: Path) -> None:
    def found(model: object, label_map: object, name: str) -> set[str]:
        result = assay.check_text(
            [blind, model],
            grammar=GRAMMAR,
            max_queries=300,
            seed=1,
            label_map=label_map,
            store=tmp_path / name,
        )
        return set(result.findings()["minimal"])

    expected = found(ordered, None, "a")
    assert expected and all("not" in s.split() for s in expected), expected
    named = {1: {"negative": "neg", "positive": "pos"}}
    assert found(declared_as_named, named, "b") == expected


def pipeline_ids(batch: list[str]) -> list[dict[str, object]]:
    return [{"label": f"LABEL_{int(p_pos(t) > 0.5)}", "score": 0.9} for t in batch]


pipeline_ids.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_label_the_declared_classes_lack_is_refused_before_the_run(tmp_path: Path) -> None:
    """(a run was made and failed on its first batch: exit 3, "0 findings stored")"""
    with pytest.raises(assay.UsageError) as caught:
        assay.check_text(
            [pipeline_ids, blind], grammar=GRAMMAR, max_queries=300, seed=1, store=tmp_path / "r"
        )
    said = str(caught.value)
    assert "which is not one of the classes declared in classes_ ['neg', 'pos']" in said, said
    assert "to loading's probe" in said and "run " not in said, said
