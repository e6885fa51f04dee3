"""assay: black-box testing of machine-learning models for the bugs accuracy hides."""

from assay._version import __version__
from assay.core.findings import Finding, FindingBatch
from assay.core.model import Capabilities, Model
from assay.core.store import RunStore
from assay.errors import AssayError, BudgetExhausted, ModelError, StoreError, UsageError

__all__ = [
    "AssayError",
    "BudgetExhausted",
    "Capabilities",
    "Finding",
    "FindingBatch",
    "Model",
    "ModelError",
    "RunStore",
    "StoreError",
    "UsageError",
    "__version__",
]
