"""A text classifier answering a list of pandas Series, a score per class name each
(`pd.Series(doc.cats)`, or a pipeline's `{label: score}` sorted best first), was read by
position, its class names dropped: with `classes_` declared as the refusal advised, each row's
best class read as the first declared (hostile53: 272 disagreements / 150 minimal where the
classifier has 130 / 26).  Each Series is now read by its index, as the dict it holds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hostile53_reviews import GRAMMAR, blind, p_pos

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def as_dicts(batch: list[str]) -> list[dict[str, float]]:
    return [{"neg": 1 - p_pos(t), "pos": p_pos(t)} for t in batch]


def best_first(batch: list[str]) -> list[pd.Series]:
    return [pd.Series(d).sort_values(ascending=False) for d in as_dicts(batch)]


def declared(batch: list[str]) -> list[pd.Series]:
    return best_first(batch)


declared.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def minimal(model: object, tmp_path: Path, name: str) -> set[str]:
    result = assay.check_text(
        [model, blind], grammar=GRAMMAR, max_queries=300, seed=1, store=tmp_path / f"{name}.db"
    )
    return set(result.findings()["minimal"])


@pytest.mark.parametrize("model", [best_first, declared])
def test_series_rows_are_read_by_their_class_names(model: object, tmp_path: Path) -> None:
    expected = minimal(as_dicts, tmp_path, "a")
    assert expected and all("not" in s.split() for s in expected), expected
    assert minimal(model, tmp_path, "b") == expected
