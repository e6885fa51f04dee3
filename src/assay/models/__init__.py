"""Adapters that turn estimators, callables, files and endpoints into checked Models.

``load_model`` is the entry point; ONNX support imports onnxruntime only when used.
"""

from assay.models.callable import CallableModel, from_callable
from assay.models.checked import CheckedModel
from assay.models.files import SKOPS_TRUSTED
from assay.models.http import HttpModel
from assay.models.loader import MODEL_TYPES, describe, load_model
from assay.models.onnx import OnnxModel, from_onnx
from assay.models.sklearn import SklearnModel, from_sklearn

__all__ = [
    "MODEL_TYPES",
    "SKOPS_TRUSTED",
    "CallableModel",
    "CheckedModel",
    "HttpModel",
    "OnnxModel",
    "SklearnModel",
    "describe",
    "from_callable",
    "from_onnx",
    "from_sklearn",
    "load_model",
]
