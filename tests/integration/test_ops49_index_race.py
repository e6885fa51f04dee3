"""ops49: a ``chattr +i`` of the store's index (``STORE-shm``) landing after ops48's ask
(``core.store_index``: may the index still be written?) and before SQLite's write killed the
process by SIGBUS with no word (exit -7).  A C-level SIGBUS handler (``core.store_bus``) now
says the store's failure with the run's resume line and exits 4; the run's checkpoints are
all there once the index is writable again.  A bus error of anything else is left as it was.
The race is made certain by answering the ask before the change.  Needs ``chattr``."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_ops48_store_index_immutable import RUN, _chattr, _child

from assay.core.store import RunStore


def test_an_index_made_immutable_after_the_ask_is_the_stores_failure_exit_4(
    tmp_path: Path,
) -> None:
    _chattr(tmp_path)
    code = (
        RUN
        + """
    import assay.core.store as at
    at.index_writable = lambda path: True  # (the ask answered before the change: the race)
    store.checkpoint("fairness-x", findings=[batch(3)])
    print("written")
    """
    )
    try:
        child = _child(code, tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "s.db-shm")], capture_output=True)
    assert child.returncode == 4, (child.returncode, child.stderr[-2000:])  # (was -7, SIGBUS)
    assert "written" not in child.stdout
    said = child.stderr
    assert said.startswith("assay: error: the run store failed: s.db: "), said
    assert "chattr -i s.db-shm" in said and "assay resume fairness-x --store" in said, said
    with RunStore(tmp_path / "s.db", read_only=True) as store:  # (nothing committed lost)
        assert store.get_run("fairness-x").n_findings == 5


def test_another_bus_error_beside_an_open_store_is_left_as_it_was(tmp_path: Path) -> None:
    code = (
        RUN.replace('subprocess.run(["chattr", "+i", "s.db-shm"], check=True)', "")
        + """
    import mmap
    with open("cut.bin", "wb") as f:
        f.write(b"x" * 8192)
    f = open("cut.bin", "r+b")
    mapped = mmap.mmap(f.fileno(), 8192)
    f.truncate(0)  # (the file cut under its mapping: reading it is a bus error)
    print(mapped[4096])
    """
    )
    child = _child(code, tmp_path)
    assert child.returncode == -7, (child.returncode, child.stderr[-2000:])
    assert "the run store failed" not in child.stderr
