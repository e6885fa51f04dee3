"""A label map's common label is bounded as a classifier's labels are (hostile34: a map
sending two labels to 20 MB common labels took 5.5 GB and a 120 MB store, then exit 5)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.text.label_map_dict import checked_label_map
from assay.text.panel import LONGEST_LABEL, load_label_map


class Named:
    def __init__(self, labels: tuple[str, ...]) -> None:
        self.capabilities = Capabilities(
            modality="text", n_classes=len(labels), outputs="proba", class_names=labels
        )

    def predict(self, texts: Sequence[str], /) -> np.ndarray:
        return np.full((len(texts), len(self.capabilities.class_names or ())), 0.5)


MODELS = [Named(("neg", "pos")), Named(("0", "1"))]
NAMES = ["m1", "m2"]
LONG = "C" * (LONGEST_LABEL + 1)


def test_a_long_common_label_in_a_file_is_refused_at_its_column(tmp_path: Path) -> None:
    path = tmp_path / "map.txt"
    path.write_text(f"2 0 -> neg\n2 1 -> {LONG}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_label_map(path, MODELS, NAMES)
    err = caught.value
    assert (err.argument, err.line, err.column) == ("--label-map", 2, 8)
    assert f"{LONGEST_LABEL + 1:,} characters" in str(err)
    assert len(str(err)) < 1000


def test_a_long_common_label_in_a_dict_is_refused() -> None:
    with pytest.raises(UsageError, match="a common label of") as caught:
        checked_label_map({1: {"0": "neg", "1": LONG}}, MODELS, NAMES)
    assert caught.value.argument == "label_map"


def test_a_common_label_at_the_bound_is_kept(tmp_path: Path) -> None:
    at = "C" * LONGEST_LABEL
    path = tmp_path / "map.txt"
    path.write_text(f"2 1 -> {at}\n", encoding="utf-8")
    assert load_label_map(path, MODELS, NAMES) == {1: {"1": at}}
    assert checked_label_map({1: {"1": at}}, MODELS, NAMES) == {1: {"1": at}}
