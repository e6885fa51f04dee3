"""The API functions as ``import assay`` gives them: imported at their first call.

``import assay`` stays light, so a function's module (and the libraries it needs) loads when
the function is first called: that loading is part of the call the user waits for, and the
run's clock (``core.clock``) starts before it.  Signature, annotations, name and documentation
are the function's own (read through ``__wrapped__``, which imports it).
"""

from __future__ import annotations

import importlib
import inspect
import time
from typing import Any

from assay.core.clock import entered

__all__ = ["Entry"]


class Entry:
    """``module.name``, called with its run's clock started at this call's entry."""

    def __init__(self, module: str, name: str) -> None:
        self._module = module
        self.__name__ = self.__qualname__ = name

    @property
    def __wrapped__(self) -> Any:
        return getattr(importlib.import_module(self._module), self.__name__)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        return inspect.getdoc(self.__wrapped__)

    @property
    def __annotations__(self) -> dict[str, Any]:  # type: ignore[override]
        return dict(getattr(self.__wrapped__, "__annotations__", {}))

    @property
    def __signature__(self) -> inspect.Signature:
        return inspect.signature(self.__wrapped__)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()  # (before any import: loading is part of the call)
        from assay.core.run import pending_interrupt

        pending_interrupt()  # (one owed to a call made otherwise is not this call's)
        with entered(start):
            result = self.__wrapped__(*args, **kwargs)
        owed = pending_interrupt()
        if owed is not None:  # a Ctrl-C stopped the run: stored, then raised as Python would
            raise owed
        return result

    def __repr__(self) -> str:
        return f"<function assay.{self.__name__}{self.__signature__}>"
