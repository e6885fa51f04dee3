"""Images given as a generator (``(load(p) for p in paths)``) were refused as "array has shape
(); expected (n, H, W) ...", naming neither the generator nor the fix (hostile30b)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.errors import UsageError


def _model(x: np.ndarray) -> np.ndarray:
    p = np.zeros((len(x), 2))
    p[:, 0] = 1.0
    return p


@pytest.mark.parametrize("which", ["images", "clean"])
def test_a_generator_of_images_is_refused_saying_to_give_a_list(tmp_path: Path, which: str) -> None:
    arr = np.random.default_rng(0).integers(0, 256, size=(12, 8, 8), dtype=np.uint8)
    given = {"images": list(arr), "clean": list(arr)}
    given[which] = (a for a in arr)  # type: ignore[assignment]
    with pytest.raises(UsageError) as exc:
        assay.check_backdoor(
            _model, **given, input_shape="64", n_classes=2, store=tmp_path / "r.db", seed=0
        )
    assert exc.value.argument == which
    assert "generator" in str(exc.value) and "list(" in str(exc.value)
