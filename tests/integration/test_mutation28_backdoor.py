"""mutation28: ``--input-shape H,W`` for a model that declares a flat input of another size
is a usage error before the run (it fed the images unflattened: the model raised on the
first batch, a failed run stored, 'Found array with dim 3')."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import assay


def test_an_images_shape_that_does_not_fill_the_models_flat_input_is_refused(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    model = LogisticRegression(max_iter=200).fit(rng.random((50, 100)), np.arange(50) % 2)
    images, clean = rng.random((6, 8, 8)), rng.random((12, 8, 8))
    store = tmp_path / "runs.db"
    with pytest.raises(assay.UsageError, match="64 values") as caught:
        assay.check_backdoor(
            model, images=images, clean=clean, input_shape="8,8", max_queries=200, store=store
        )
    assert caught.value.argument == "input_shape"
    assert "the model takes 100 values per input" in str(caught.value)
    assert not store.exists()  # no failed run left
