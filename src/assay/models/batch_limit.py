"""``--batch-size N`` for a model that is not served (a GPU model, a Hugging Face pipeline
with a memory limit, an API client that takes at most N inputs a call): no call of more than
N inputs reaches it.  Loading's probe calls are split here (``in_chunks``, within a
``limited`` block that ``load_model`` opens); every later call is split by the checked
model (``CheckedModel.predict``) from its capabilities' ``max_batch``, so the searches, the
start checks and the answers of all three techniques are split in one place.  Queries are
counted as before: a split call is the same inputs asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import numpy as np

from assay.core.model import ModelInputs

__all__ = ["current_limit", "in_chunks", "limited"]

_LIMIT: ContextVar[int | None] = ContextVar("assay_batch_limit", default=None)


@contextmanager
def limited(n: int | None) -> Iterator[None]:
    """A block whose probe calls (``in_chunks``) send at most ``n`` inputs each (None: any)."""
    token = _LIMIT.set(n)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def current_limit() -> int | None:
    """The ``limited`` block's bound (for a call made on another thread)."""
    return _LIMIT.get()


def in_chunks(ask: Callable[[Any], Any], inputs: ModelInputs, limit: int | None = None) -> Any:
    """``ask(inputs)`` as calls of at most ``limit`` inputs (the ``limited`` block's when not
    given), their answers joined in order: arrays end to end, lists as one list.  An answer
    that is neither (one value for a batch: the checks after name it) is the first call's."""
    n = _LIMIT.get() if limit is None else limit
    if n is None or len(inputs) <= n:
        return ask(inputs)
    parts = [ask(inputs[i : i + n]) for i in range(0, len(inputs), n)]
    if all(isinstance(p, list | tuple) for p in parts):
        return [y for p in parts for y in p]
    if all(_is_array(p) for p in parts):
        arrays = [np.asarray(p) for p in parts]
        if all(a.ndim >= 1 for a in arrays):
            return np.concatenate(arrays, axis=0)
    return parts[0]


def _is_array(value: Any) -> bool:
    return isinstance(value, np.ndarray) or (
        hasattr(value, "__array__") and not isinstance(value, str | bytes | dict)
    )
