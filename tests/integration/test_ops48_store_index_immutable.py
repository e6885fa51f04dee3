"""ops48: a run store's index (``STORE-shm``) made immutable (``chattr +i``) under a run.

SQLite maps the index into the process; a page of it written after the change (a
checkpoint, a read's mark, closing the connection, the interpreter's own exit) killed the
process with SIGBUS (exit -7): no words, no reports, the command's exit code never 4.  Now
each statement asks first; the store is then left as it is (never closed by this process),
a ``StoreError`` says how to go on (exit 4), and the run's checkpoints are all there once
the index can be written again.  Needs ``chattr`` (root, a file system with attributes)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore

SRC = Path(assay.__file__).parents[1]


def _chattr(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.touch()
    try:
        made = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    except OSError:
        made = False
    if not made:
        pytest.skip("chattr +i is not available here (not root, or no file attributes)")
    subprocess.run(["chattr", "-i", str(probe)], check=True)


def _child(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )  # fmt: skip


RUN = """
    import subprocess, sys
    import numpy as np
    from assay.core.findings import FindingBatch
    from assay.core.store import RunStore
    from assay.errors import StoreError

    def batch(n):
        inputs = np.stack([np.arange(n) * 1.0, np.arange(n) + 100.0], axis=1)
        return FindingBatch(kind="fairness.idi", inputs=inputs[:, None, :],
                            outputs=np.zeros((n, 1)), severity=np.ones(n))

    store = RunStore("s.db")
    store.create_run(run_id="fairness-x", technique="fairness", seed=1, command="c",
                     config={}, model={}, versions={})
    store.checkpoint("fairness-x", findings=[batch(5)], status="running")
    subprocess.run(["chattr", "+i", "s.db-shm"], check=True)
"""


def test_an_index_made_immutable_mid_run_is_the_stores_failure_not_a_sigbus(
    tmp_path: Path,
) -> None:
    _chattr(tmp_path)
    code = (
        RUN
        + """
    try:
        store.checkpoint("fairness-x", findings=[batch(3)])
    except StoreError as exc:
        print("refused:", exc)
    for again in (lambda: store.get_run("fairness-x"),
                  lambda: RunStore("s.db", read_only=True), lambda: RunStore("s.db")):
        try:
            again()
        except StoreError:
            print("refused again")
    store.close()
    sys.exit(4)
    """
    )
    try:
        child = _child(code, tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "s.db-shm")], capture_output=True)
    assert child.returncode == 4, (child.returncode, child.stderr[-2000:])  # (was -7, SIGBUS)
    assert "can no longer be written" in child.stdout and "chattr -i" in child.stdout
    assert "assay resume fairness-x --store" in child.stdout, child.stdout
    assert child.stdout.count("refused again") == 3, child.stdout
    with RunStore(tmp_path / "s.db", read_only=True) as store:  # (nothing committed lost)
        assert store.get_run("fairness-x").n_findings == 5


def test_a_store_whose_index_is_immutable_is_refused_at_open_naming_it(tmp_path: Path) -> None:
    _chattr(tmp_path)
    code = (
        RUN
        + """
    import ctypes, os
    os._exit(0)  # (killed: its -wal and -shm left beside the store)
    """
    )
    try:
        made = _child(code, tmp_path)
        assert made.returncode == 0, made.stderr[-2000:]
        opened = _child(
            """
            from assay.core.store import RunStore
            from assay.errors import StoreError
            try:
                RunStore("s.db")
            except StoreError as exc:
                print(exc)
            """,
            tmp_path,
        )
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "s.db-shm")], capture_output=True)
    assert "s.db-shm cannot be written (made immutable, chattr +i" in opened.stdout, opened
    assert "chattr -i s.db-shm" in opened.stdout
