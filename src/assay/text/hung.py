"""Which of several classifiers a timed-out call was waiting for, said in the message: the
search's calls (``TextSearch.step``) and the determinism checks' (``text.recheck``) alike."""

from __future__ import annotations

from typing import Any

from assay.core.calls import CallTimeout

__all__ = ["hung_on", "named"]


def hung_on(model: Any) -> str | None:
    """The classifier a timed-out call was waiting for: the panel's (or its worker's) through
    the model's wrappers (None: not known)."""
    for _ in range(8):
        ask = getattr(model, "hung_on", None)
        if callable(ask):
            who = ask()
            return who if isinstance(who, str) else None
        model = getattr(model, "inner", None) or getattr(model, "model", None)
        if model is None:
            return None
    return None


def named(exc: BaseException, model: Any) -> BaseException:
    """``exc`` naming the classifier it waited for when it is a call timeout of ``model``
    (read at once: the classifier is still answering); otherwise ``exc`` itself."""
    if not isinstance(exc, CallTimeout) or str(exc).startswith("classifier "):
        return exc
    who = hung_on(model)
    return exc if who is None else CallTimeout(f"classifier {who}: {exc}")
