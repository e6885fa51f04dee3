"""An ``async def`` classifier and one that ``yield``s its labels: both answers read as one
value of type object, so a text classifier was told it was "a function of one sentence"
(the wrapper named, `lambda batch: [f(s) for s in batch]`, gives a list of coroutines) and a
tabular model that its answer had "shape () and type object"; the coroutine never awaited
printed Python's RuntimeWarning after the error.  Each is refused naming what it answered
and the wrapper to write (hostile41t)."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError

GRAMMAR = 'S -> "the food was" q\nq -> "good" | "bad" | "fine"\n'


def _label(s: str) -> str:
    return "neg" if "bad" in s else "pos"


async def async_labels(batch: list[str]) -> list[str]:
    return [_label(s) for s in batch]


def yielded_labels(batch: list[str]) -> Iterator[str]:
    for s in batch:
        yield _label(s)


def plain(batch: list[str]) -> list[str]:
    return ["pos" if "fine" in s else _label(s) for s in batch]


async def async_declared(batch: list[str]) -> list[str]:
    return [_label(s) for s in batch]


async_declared.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("model", "said", "wrapper"),
    [
        (async_labels, "answered a coroutine", "asyncio.run(FUNCTION(batch))"),
        (async_declared, "answered a coroutine", "asyncio.run(FUNCTION(batch))"),
        (yielded_labels, "answered a generator", "list(FUNCTION(batch))"),
    ],
)
def test_a_lazy_text_classifier_is_refused_naming_what_it_answered(
    tmp_path: Path, model: Any, said: str, wrapper: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # (a coroutine never awaited: a RuntimeWarning)
        with pytest.raises(UsageError) as caught:
            assay.check_text(
                [plain, model], grammar=GRAMMAR, max_queries=200, seed=1,
                store=str(tmp_path / "s.db"),
            )  # fmt: skip
        gc.collect()
    text = str(caught.value)
    assert said in text and wrapper in text, text
    assert "one sentence" not in text, text


async def async_rows(x: Any) -> Any:
    return (np.asarray(x)[:, 0] > 0).astype(int)


def test_a_lazy_tabular_model_is_refused_naming_what_it_answered(tmp_path: Path) -> None:
    data = pd.DataFrame(np.random.default_rng(0).integers(0, 3, size=(40, 3)), columns=list("abc"))
    with pytest.raises(UsageError) as caught:
        assay.check_fairness(
            async_rows, data=data, protected=["c"], max_queries=200, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    assert "answered a coroutine" in str(caught.value), caught.value


def bytes_labels(batch: list[str]) -> Any:
    return np.array([_label(s).encode() for s in batch])  # dtype |S3


def test_labels_answered_as_bytes_are_refused_naming_the_decode(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            [plain, bytes_labels], grammar=GRAMMAR, max_queries=200, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    text = str(caught.value)
    assert "as bytes (b'neg', b'pos')" in text and "y.decode()" in text, text
    assert "class index" not in text, text
