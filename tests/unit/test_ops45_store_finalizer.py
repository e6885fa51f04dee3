"""A second Ctrl-C that lands while a run store is finalized (ops45)."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import pytest

from assay.core.store import RunStore


class _Interrupted:
    """A connection whose close is where the Ctrl-C lands."""

    def close(self) -> None:
        raise KeyboardInterrupt


def test_an_interrupt_in_a_stores_finalizer_is_raised_where_the_program_runs(
    tmp_path: Path,
) -> None:
    """A text run's second Ctrl-C landed in ``RunStore.__del__`` (a store dropped without
    ``close``): Python printed 'Traceback ... KeyboardInterrupt' beside the run's lines and
    dropped the interrupt.  Now it is raised again in the main thread."""
    store = RunStore(tmp_path / "s.db")
    real = store._conn
    store._conn = _Interrupted()  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            del store
            gc.collect()
            for _ in range(5000):  # (raised once the finalizer has returned)
                time.sleep(0.001)
    finally:
        real.close()
