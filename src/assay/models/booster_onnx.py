"""In-memory XGBoost and LightGBM classifiers converted to ONNX (onnxmltools), so that the
exact fairness analysis reads their trees as it reads the libraries' exports.

The conversion is made in memory (nothing written), fed a float tensor as wide as the model's
inputs; what it gives is only trusted once its trees answer as the model does
(``fairness.exact.checked``).  Without onnxmltools, ``convert`` says so (None) and the caller
keeps its advice to export the model by hand.  The conversion is part of the exact analysis's
time: given a deadline, it runs on a thread that is left behind (it ends on its own) once the
deadline passes, and the reason says so.
"""

from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.quiet import quiet

__all__ = ["Converted", "coded", "convert", "lightgbm_splits"]

# the classes onnxmltools converts, and its converter for each
_CONVERTERS = {
    "XGBClassifier": "convert_xgboost",
    "XGBRFClassifier": "convert_xgboost",
    "LGBMClassifier": "convert_lightgbm",
}


@dataclass(frozen=True)
class Converted:
    graph: Any  # onnx.GraphProto
    output: str  # the output the trees' classes are read from
    note: str  # "its ONNX conversion (onnxmltools 1.16.0)"


def convert(estimator: Any, deadline: float | None = None) -> Converted | str | None:
    """The estimator's ONNX graph, why it could not be converted (or not by ``deadline``, a
    ``time.monotonic()`` value), or None when onnxmltools is not installed (or the estimator
    is not one it converts)."""
    name = type(estimator).__name__
    if name not in _CONVERTERS:
        return None
    try:
        import onnxmltools  # type: ignore[import-untyped,unused-ignore]
        from onnxmltools.convert.common.data_types import (  # type: ignore[import-untyped,unused-ignore]
            FloatTensorType,
        )
    except ImportError:
        return None
    width = getattr(estimator, "n_features_in_", None)
    if not isinstance(width, int | np.integer) or width < 1:
        return f"the {name} does not say how many inputs it takes (n_features_in_)"
    width = int(width)
    options: dict[str, Any] = {}
    if name == "LGBMClassifier":
        options["zipmap"] = False
    else:
        estimator = _unnamed(estimator)
    note = f"its ONNX conversion (onnxmltools {onnxmltools.__version__})"
    converter = getattr(onnxmltools, _CONVERTERS[name])
    done: list[Any] = []

    def work() -> None:
        try:
            with quiet(""):  # (any module's, on this converting thread only: core.quiet)
                done.append(
                    converter(
                        estimator,
                        initial_types=[("X", FloatTensorType([None, width]))],
                        **options,
                    )
                )
        except Exception as exc:  # any converter failure is a reason, not a crash
            done.append(exc)

    t0 = time.monotonic()
    if deadline is None:
        work()
    else:
        thread = threading.Thread(target=work, name="assay-onnx-conversion", daemon=True)
        thread.start()
        thread.join(max(deadline - t0, 0.0))
    seconds = time.monotonic() - t0
    if not done:
        return (
            f"{note} did not finish in the {seconds:.1f} s left of the time for the exact "
            "analysis (--exact-time gives it more)"
        )
    if isinstance(done[0], Exception):
        return f"{note} failed: {type(done[0]).__name__}: {done[0]}"
    onx = done[0]
    outputs = [o.name for o in onx.graph.output]
    read = "probabilities" if "probabilities" in outputs else outputs[-1]
    return Converted(graph=onx.graph, output=read, note=note)


def lightgbm_splits(
    estimator: Any,
) -> list[tuple[list[tuple[int, float]], list[float]]]:
    """Per tree of an LGBMClassifier, its numeric splits ``x <= threshold`` (feature, float64
    threshold) and its leaves' values as LightGBM holds them, each node before its left then
    right subtree: the order of the graph its conversion makes.  LightGBM compares float64
    rows with these thresholds and adds these values in float64, where the graph holds and
    adds float32 ones."""
    out = []
    for tree in estimator.booster_.dump_model()["tree_info"]:
        splits: list[tuple[int, float]] = []
        leaves: list[float] = []
        stack = [tree["tree_structure"]]
        while stack:
            node = stack.pop()
            if "split_feature" not in node:
                leaves.append(float(node["leaf_value"]))
                continue
            if node.get("decision_type") == "<=":
                splits.append((int(node["split_feature"]), float(node["threshold"])))
            stack.extend([node["right_child"], node["left_child"]])
        out.append((splits, leaves))
    return out


def _unnamed(estimator: Any) -> Any:
    """An XGBoost model fitted on named columns, as a copy whose trees name them f0, f1, ...
    (the only names onnxmltools reads; the columns keep their order)."""
    booster = estimator.get_booster()
    if booster.feature_names is None:
        return estimator
    twin = copy.deepcopy(estimator)
    twin.get_booster().feature_names = None
    return twin


def coded(estimator: Any, frame: Any) -> np.ndarray:
    """The numbers the booster's trees compare for a DataFrame of its inputs: numeric columns
    as they are, ``category`` columns as codes of the categories it was trained with (both
    libraries recode a frame's categories so); a value it never saw is NaN."""
    import pandas as pd

    trained = _trained_categories(estimator, frame)
    out = np.empty((len(frame), frame.shape[1]))
    for j, name in enumerate(frame.columns):
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            known = trained.get(str(name), list(column.cat.categories))
            codes = pd.Categorical(column.astype(object), categories=known).codes
            out[:, j] = np.where(codes < 0, np.nan, codes)
        else:
            out[:, j] = pd.to_numeric(column).to_numpy(dtype=np.float64)
    return out


def _trained_categories(estimator: Any, frame: Any) -> dict[str, list[Any]]:
    """The categories each ``category`` column was trained with, by column name (empty when
    the library does not say: the frame's own categories are used, and the check decides)."""
    import pandas as pd

    try:
        if type(estimator).__name__ == "LGBMClassifier":
            # LightGBM keeps them in the order of the frame's category columns
            lists = getattr(estimator.booster_, "pandas_categorical", None) or []
            names = [
                str(c) for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)
            ]
            return {n: list(v) for n, v in zip(names, lists, strict=False)}
        found = estimator.get_booster().get_categories(export_to_arrow=True).to_arrow()
        return {str(n): list(v.to_pylist()) for n, v in found if v is not None}
    except Exception:  # an older library without them: the frame's categories
        return {}
