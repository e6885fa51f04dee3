"""An ``async def`` model that ``yield``s (an async generator): refused as a generator too
(hostile41t tested a coroutine and a plain generator; mutation42: a mutant refusing plain
generators only passed every test)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import assay
from assay.errors import UsageError

GRAMMAR = 'S -> "the food was" q\nq -> "good" | "bad" | "fine"\n'


def plain(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


async def streamed(batch: list[str]) -> AsyncIterator[str]:
    for label in plain(batch):
        yield label


def test_an_async_generator_is_refused_naming_the_wrapper(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            [plain, streamed], grammar=GRAMMAR, max_queries=200, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    text = str(caught.value)
    assert "answered a generator" in text and "list(FUNCTION(batch))" in text, text
