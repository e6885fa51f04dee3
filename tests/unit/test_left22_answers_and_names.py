"""Labels answered as one column of names (``(n, 1)`` arrays of strings, lists of one-element
lists) are the labels they are, for text and tabular models alike, declared or read off the
answers; and an in-memory table's refusal names its argument once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError


def _pair(form: str, declared: bool) -> tuple[Any, Any]:
    def shaped(labels: list[str]) -> Any:
        if form == "array":
            return np.array([[x] for x in labels], dtype=object)
        return [[x] for x in labels]

    def a(texts: list[str]) -> Any:
        return shaped(["pos" if "good" in t else "neg" for t in texts])

    def b(texts: list[str]) -> Any:
        return shaped(["pos" if "good" in t and " not " not in f" {t} " else "neg" for t in texts])

    if declared:
        a.classes_ = b.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    return a, b


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("form", ["array", "lists"])
def test_text_labels_answered_as_one_column_are_read(
    form: str, declared: bool, tmp_path: Path
) -> None:
    a, b = _pair(form, declared)
    result = assay.check_text(
        [a, b], grammar="builtin:reviews", max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    found = result.findings()
    assert len(found) > 0, result.headline  # b ignores "not": they disagree
    assert set(found.columns) >= {"sentence"}


def test_identical_one_column_classifiers_agree(tmp_path: Path) -> None:
    a, _ = _pair("array", True)
    twin, _ = _pair("array", True)
    result = assay.check_text(
        [a, twin], grammar="builtin:reviews", max_queries=200, seed=1, store=tmp_path / "s.db"
    )
    assert len(result.findings()) == 0


def test_a_tabular_function_answering_one_column_of_names(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = pd.DataFrame({"age": rng.integers(18, 80, 300), "sex": rng.integers(0, 2, 300)})

    def f(d: np.ndarray) -> Any:
        said = np.where((d[:, 0] > 40) & (d[:, 1] == 1), "yes", "no")
        return said.astype(object).reshape(-1, 1)

    f.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    result = assay.check_fairness(
        f, data=x, protected=["sex"], max_queries=300, seed=1, store=tmp_path / "s.db"
    )
    assert result.findings().shape[0] > 0


def test_an_in_memory_tables_refusal_names_its_argument_once(tmp_path: Path) -> None:
    x = pd.DataFrame(
        {
            "age": np.arange(60),
            "sex": np.arange(60) % 2,
            "when": pd.date_range("2020-01-01", periods=60),
        }
    )
    with pytest.raises(UsageError) as refused:
        assay.check_fairness(
            lambda d: np.zeros(len(d), int),
            data=x,
            protected=["sex"],
            max_queries=50,
            store=tmp_path / "s.db",
        )
    said = str(refused.value)
    assert said.startswith("argument data: column 'when' holds dates"), said
    assert str(UsageError("data.csv: bad", argument="--data")) == "argument --data: data.csv: bad"


def test_a_label_refusal_lists_what_a_classifier_answered_not_the_others_labels(
    tmp_path: Path,
) -> None:
    def a(texts: list[str]) -> list[str]:
        return ["pos" if "good" in t else "neg" for t in texts]

    def b(texts: list[str]) -> Any:
        return np.array([1 if "good" in t else 0 for t in texts])

    b.classes_ = [0, 1]  # type: ignore[attr-defined]
    with pytest.raises(UsageError) as refused:
        assay.check_text(
            [a, b], grammar="builtin:reviews", max_queries=100, seed=1, store=tmp_path / "s.db"
        )
    said = str(refused.value)
    want = "a has neg, pos (the labels it answered, not declared); b has 0, 1, none in common."
    assert want in said, said  # (", none in common": hostile44t)
