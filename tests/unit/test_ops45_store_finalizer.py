"""A second Ctrl-C that lands while a run store is finalized (ops45)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_CHILD = textwrap.dedent(
    """
    import signal, sys, time
    from pathlib import Path

    from assay.core.store import RunStore


    class Interrupted:
        def close(self) -> None:
            raise KeyboardInterrupt


    signal.signal(signal.SIGINT, signal.default_int_handler)
    store = RunStore(Path(sys.argv[1]) / "s.db")
    real = store._conn
    store._conn = Interrupted()
    try:
        store.__del__()  # (as the collector calls it)
        for _ in range(5000):  # (raised once the finalizer has returned)
            time.sleep(0.001)
    except KeyboardInterrupt:
        print("raised in the main thread")
    finally:
        store._conn = real
        real.close()
    """
)


def test_an_interrupt_in_a_stores_finalizer_is_raised_where_the_program_runs(
    tmp_path: Path,
) -> None:
    """A text run's second Ctrl-C landed in ``RunStore.__del__`` (a store dropped without
    ``close``): Python printed 'Traceback ... KeyboardInterrupt' beside the run's lines and
    dropped the interrupt.  Now it is raised again in the main thread.  Run in a child
    process of its own: in the suite's one process an interrupt raised from another thread
    could land in a later test's teardown (CI runs 162 and 164)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "raised in the main thread" in done.stdout
    assert "Traceback" not in done.stderr
