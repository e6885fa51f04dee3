"""The functions a caller hands a run (``on_progress``, ``on_start``, ``on_note``): checked
when the API function is called, before a run exists.  One that cannot be called failed the
run when it was first called, recorded as assay's own internal error (a ``TypeError``)."""

from __future__ import annotations

from assay.errors import UsageError

__all__ = ["check_callbacks"]


def check_callbacks(**given: object) -> None:
    """A ``UsageError`` naming the first of ``given`` (keyword: value) that is neither None
    nor callable."""
    for name, value in given.items():
        if value is not None and not callable(value):
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise UsageError(
                f"must be a function (or None), not {type(value).__name__} {shown}",
                argument=name,
            )
