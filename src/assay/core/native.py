"""Native thread pools (BLAS, OpenMP) held to one thread while assay trains a small model.

The built-in models (the digits MLPs, the TF-IDF classifiers, the fairness demos' models)
multiply matrices of a few hundred rows: a second BLAS thread only adds hand-offs, and on a
loaded machine its spinning costs several times the work (the 28x28 digits MLP trained in
11 s with OpenBLAS's default pool and 1.4 s with one thread, weights bit-for-bit the same).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

__all__ = ["one_native_thread"]


@contextlib.contextmanager
def one_native_thread() -> Iterator[None]:
    """Within the block, native pools run one thread (restored after); without threadpoolctl
    the block runs as it would have."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        yield
        return
    with threadpool_limits(limits=1):
        yield
