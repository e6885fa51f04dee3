"""A lock file left under this host name by another machine (another kernel's boot) is not
taken for a dead process of this one.

serve32 made a run whose lock file names another host read as running while it keeps
checkpointing (that host's locks may not be seen from here), but trusted the host name:
two machines with one name (containers built from one image, on two hosts sharing a store)
took each other's live runs as stalled at once (serve32's Left).  The lock file now names the
kernel's boot id too.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest
from test_serve32_store import _left_by, _runs_line

from assay.core.runlock import _boot, lock_path
from assay.errors import UsageError

pytestmark = pytest.mark.skipif(not _boot(), reason="no boot id on this system")


def _rewrite(tmp: Path, run_id: str, boot: str) -> None:
    path = lock_path(tmp / "s.db", run_id)
    st = path.stat()
    path.write_text(f"4242 {socket.gethostname()} {time.time() - 3600:.0f} {boot}\n")
    os.utime(path, (st.st_atime, st.st_mtime))


def test_this_host_name_under_another_boot_is_another_machine(tmp_path: Path) -> None:
    store = _left_by(tmp_path, "fairness-b", socket.gethostname(), quiet=5)
    _rewrite(tmp_path, "fairness-b", "00000000-0000-0000-0000-000000000000")
    assert not store.abandoned("fairness-b")
    assert " running " in _runs_line(tmp_path, "fairness-b")
    with pytest.raises(UsageError, match="another host"):
        store.claim("fairness-b")
    store.close()


def test_this_machines_own_lock_file_left_behind_is_stalled_at_once(tmp_path: Path) -> None:
    store = _left_by(tmp_path, "fairness-s", socket.gethostname(), quiet=5)
    _rewrite(tmp_path, "fairness-s", _boot())
    assert store.abandoned("fairness-s")
    assert " stalled " in _runs_line(tmp_path, "fairness-s")
    store.claim("fairness-s")
    store.close()


def test_a_lock_written_here_names_this_boot(tmp_path: Path) -> None:
    store = _left_by(tmp_path, "fairness-w", socket.gethostname(), quiet=1)
    store.claim("fairness-w")
    fields = lock_path(tmp_path / "s.db", "fairness-w").read_text().split()
    assert fields[1] == socket.gethostname() and fields[3] == _boot()
    store.close()
