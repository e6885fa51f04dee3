"""mutation51's L8: a text classifier declaring its class count but no names (a ``Model``
whose ``Capabilities(n_classes=3)`` has no ``class_names``) keeps its count beside a label
map naming only some of its indices.  Under the mutant (``indexed_by_map`` not stopping at
a declared count) the map's ``0`` and ``1`` made it a two-class model, and its answer ``2``
failed the run ("outside the 2 declared classes"); mutation51 thought no loader gave a
count without names, but a Model object given as it is does."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from test_left50b_index_labels import _good, _grammar, _inline, named  # noqa: F401  (_inline: autouse)

import assay
from assay.core.model import Capabilities

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


class Three:
    """Indices 0/1 by the review, 2 for a review of pizza; three classes declared, unnamed."""

    capabilities = Capabilities(modality="text", n_classes=3, outputs="labels")

    def predict(self, sentences: Sequence[str]) -> np.ndarray:
        return np.array([2 if "pizza" in s else int(_good(s)) for s in sentences])


def test_a_declared_count_is_kept_beside_a_map_of_some_indices(tmp_path: Path) -> None:
    result = assay.check_text(
        [named, Three()], grammar=_grammar(tmp_path), seed=0, max_queries=300,
        label_map={1: {"0": "negative", "1": "positive"}}, store=tmp_path / "t.db",
    )  # fmt: skip
    assert result.status == "completed", result.headline
    # its '2', named by no map line, has no counterpart: said, not a failure
    assert "Three: '2'" in result.headline
