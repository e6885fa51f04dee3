"""Where work runs.  For now: model calls on a background thread (``ThreadCaller``)."""

from assay.execution.threads import ThreadCaller, default_caller

__all__ = ["ThreadCaller", "default_caller"]
