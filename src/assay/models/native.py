"""Model files of other libraries that assay does not load, recognised to say what to do.

XGBoost's ``.json``/``.ubj`` and LightGBM's ``.txt`` model files are data, not code, but reading
them means their library's own prediction (missing values, categories, the base score and the
objective's transform); assay reads such models through their ONNX export instead, or as the
fitted object in Python.  ``native_advice(path)`` is the message for such a file, or None;
``booster_advice(obj)`` the message for an in-memory ``xgboost.Booster``, whose ``predict``
takes a ``DMatrix``, never rows.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["booster_advice", "native_advice"]

_HEAD = 256  # bytes read: the signatures sit at the very start of the files


def _library(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD)
    except OSError:
        return None
    if head.startswith(b"tree\nversion=") or head.startswith(b"tree\r\nversion="):
        return "LightGBM"
    # JSON and UBJSON both open with the object holding "learner" as its first key
    if head.startswith(b"{") and b"learner" in head[:32]:
        return "XGBoost"
    return None


_ARTICLE = {"XGBoost": "an", "LightGBM": "a"}
_HOW = {
    "XGBoost": ("xgboost.XGBClassifier(); model.load_model(PATH)", "convert_xgboost"),
    "LightGBM": ("lightgbm.Booster(model_file=PATH)", "convert_lightgbm"),
}


def native_advice(path: str) -> str | None:
    """Why ``path`` is not loaded and how to test the model it holds, when it is an XGBoost or
    LightGBM model file; None otherwise."""
    library = _library(Path(path))
    if library is None:
        return None
    load, convert = _HOW[library]
    return (
        f"{path} is {_ARTICLE[library]} {library} model file, which assay does not load; "
        f"export the model to ONNX (load it in Python: {load}, then onnxmltools.{convert}) "
        "and give assay the "
        ".onnx file (tree models are then also analysed exactly), or pass the loaded "
        "classifier to assay.check_fairness in Python"
    )


def booster_advice(obj: object) -> str | None:
    """How to test an ``xgboost.Booster`` (its predict takes a DMatrix, not rows); None for
    any other object."""
    kind = type(obj)
    if kind.__name__ != "Booster" or not kind.__module__.startswith("xgboost"):
        return None
    return (
        "an xgboost.Booster predicts on DMatrix objects, not on rows: pass the scikit-learn "
        "wrapper instead (xgboost.XGBClassifier(), then model.load_model(PATH) or fit), or a "
        "function that builds the DMatrix, or the model's ONNX export "
        "(onnxmltools.convert_xgboost), which assay also analyses exactly"
    )
