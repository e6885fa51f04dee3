"""``grammar="reviews"`` (a built-in grammar's name without ``builtin:``) is refused saying
``builtin:reviews`` (hostile49: "no such grammar file: reviews" alone); a file of that name,
when there is one, is still read."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

import assay


def says(label: str) -> object:
    def f(sentences: Sequence[str]) -> list[str]:
        return [label] * len(sentences)

    return f


def test_a_builtin_grammars_bare_name_is_told_its_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(assay.UsageError) as caught:
        assay.check_text([says("a"), says("b")], grammar="reviews", store=tmp_path / "t.db")
    assert "did you mean builtin:reviews?" in str(caught.value)
    with pytest.raises(assay.UsageError) as other:
        assay.check_text([says("a"), says("b")], grammar="reveiws", store=tmp_path / "t.db")
    assert "did you mean" not in str(other.value)
