"""The trees read from a model are trusted only where they answer as the model does.

``checked`` compares the classes of the composed trees with the model's own on seeded inputs
of the domain: 256 for trees read from the model itself; for trees read from a *conversion*
of it (an in-memory XGBoost/LightGBM classifier's ONNX graph, ``Ensemble.conversion``), a few
thousand and the data rows (a sample of them), since the conversion is another program's
rewriting of the model, and the source then says on how many inputs it was checked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from assay.fairness.exact.trees import TreeModel
from assay.fairness.schema import Schema

__all__ = ["CONVERSION_INPUTS", "checked"]

READ_INPUTS = 256  # trees read from the model itself
CONVERSION_INPUTS = 4096  # trees read from a conversion: this many inputs, and as many data rows


def checked(
    schema: Schema,
    model: TreeModel,
    arrays: Any,
    classes: Callable[[np.ndarray], np.ndarray],
    data: np.ndarray | None = None,
) -> TreeModel | str:
    """``model`` (the trees composed), when its classes equal ``classes`` (the model's) on the
    check's inputs; else why it is not trusted."""
    conversion = getattr(arrays, "conversion", "")
    rng = np.random.default_rng(0)
    rows = schema.sample_uniform(rng, CONVERSION_INPUTS if conversion else READ_INPUTS)
    if conversion and data is not None and len(data):
        kept = np.asarray(data, dtype=np.float64)
        if len(kept) > CONVERSION_INPUTS:
            kept = kept[np.sort(rng.choice(len(kept), CONVERSION_INPUTS, replace=False))]
        rows = np.concatenate([rows, kept])
    mine = np.asarray(model.predict_encoded(rows))
    theirs = np.asarray(classes(rows))
    differ = int((mine != theirs).sum()) if mine.shape == theirs.shape else len(rows)
    if conversion:
        if differ:
            return (
                f"{conversion} disagrees with the model on {differ:,} of {len(rows):,} inputs, "
                "so its trees are not the model's"
            )
        source = f"{model.source}, checked against the model on {len(rows):,} inputs"
        return dataclasses.replace(model, source=source)
    if differ:
        return f"the trees read from the model disagree with its answers on {differ} of 256 inputs"
    return model
