"""Options of ``check_text`` that would lose the user's own names are refused, naming them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text


class Clf:
    capabilities = Capabilities(
        modality="text", n_classes=2, outputs="proba", class_names=("neg", "pos")
    )

    def __init__(self, word: str) -> None:
        self.word = word

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.array([[0.2, 0.8] if self.word in t else [0.7, 0.3] for t in texts])


@pytest.mark.parametrize(("names", "said"), [(["x", "x"], "named 'x'"), (["", "y"], "blank")])
def test_names_that_would_merge_or_vanish_are_refused(
    tmp_path: Path, names: list[str], said: str
) -> None:
    """Two classifiers named 'x' ran, their columns of the findings one name ('x, x')."""
    (tmp_path / "g.txt").write_text('S -> "the food is" ADJ\nADJ -> "good" | "bad"\n')
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(UsageError, match=said):
        check_text(
            [Clf("good"), Clf("bad")],
            grammar=str(tmp_path / "g.txt"),
            names=names,
            max_queries=20,
            seed=1,
            store=store,
        )
    assert not store.list_runs()
