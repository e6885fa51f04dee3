"""A new store that the file system refuses to write as it is made (``ulimit -f``, a CI
job's file size limit) said "cannot open the run store: disk I/O error" and nothing else;
a write refused mid-run already said why it may be and what to do."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

_OPEN = """
import resource, sys
from assay.core.store import RunStore
from assay.errors import StoreError
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    RunStore(sys.argv[1]).close()
except StoreError as exc:
    print(exc)
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="no file size limit here")
def test_a_store_the_file_system_refuses_to_make_says_why_and_what_to_do(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    said = subprocess.run(
        [sys.executable, "-c", _OPEN, str(store)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "cannot open the run store: disk I/O error" in said.stdout, said.stdout + said.stderr
    assert "a limit on file sizes (ulimit -f)" in said.stdout
    assert "run the command again" in said.stdout and "RUN_ID" not in said.stdout
