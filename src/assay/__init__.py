"""assay: black-box testing of machine-learning models for the bugs accuracy hides."""

# (nothing imported at the top, ``__future__`` neither: the ``assay`` script imports this
# package before ``assay.__main__.run`` guards a Ctrl-C, 2-9 ms of it a traceback's window;
# the errors and the version come through ``__getattr__`` as the API does: ops48)

TYPE_CHECKING = False  # (``typing`` itself takes 10-50 ms to import: see ``_LAZY``)
if TYPE_CHECKING:  # (imported on first use: ``__getattr__``)
    from typing import Any

    from assay._version import __version__
    from assay.core.findings import Finding, FindingBatch
    from assay.core.model import Capabilities, Model
    from assay.core.store import RunStore
    from assay.errors import AssayError, BudgetExhausted, ModelError, StoreError, UsageError

__all__ = [
    "AssayError",
    "AssayWarning",
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
    "assert_passed",
    "build_exact_kernel",
    "check_backdoor",
    "check_fairness",
    "check_text",
    "delete_runs",
    "load_model",
    "prune_runs",
    "resume_run",
    "verify_run",
]

# ``import assay`` (and so ``python -m assay`` and the ``assay`` script, ``assay.__main__``)
# imports no numpy: a Ctrl-C or SIGTERM in its 0.1-0.4 s printed a traceback or killed the
# command without a word, before ``__main__`` could say "interrupted" (left45o)
_LAZY = {
    "__version__": "assay._version",
    "AssayError": "assay.errors",
    "BudgetExhausted": "assay.errors",
    "ModelError": "assay.errors",
    "StoreError": "assay.errors",
    "UsageError": "assay.errors",
    "Capabilities": "assay.core.model",
    "Finding": "assay.core.findings",
    "FindingBatch": "assay.core.findings",
    "Model": "assay.core.model",
    "RunStore": "assay.core.store",
    "AssayWarning": "assay.core.notices",
    "assert_passed": "assay.testing",
    "build_exact_kernel": "assay.fairness.api",
    "check_backdoor": "assay.api",
    "check_fairness": "assay.api",
    "check_text": "assay.text.api",
    "resume_run": "assay.api",
    "delete_runs": "assay.api",
    "prune_runs": "assay.api",
    "load_model": "assay.models",
    "verify_run": "assay.api",
}


# the functions that start a run: imported at their first call, which the run's clock counts
_RUNS = ("check_backdoor", "check_fairness", "check_text", "resume_run")


def __getattr__(name: str) -> "Any":
    """The API functions, imported on first use so that ``import assay`` stays light."""
    if name in _RUNS:
        from assay._entry import Entry

        entry = globals()[name] = Entry(_LAZY[name], name)
        return entry
    if name in _LAZY:
        import importlib

        value = globals()[name] = getattr(importlib.import_module(_LAZY[name]), name)
        return value
    raise AttributeError(f"module 'assay' has no attribute {name!r}")
