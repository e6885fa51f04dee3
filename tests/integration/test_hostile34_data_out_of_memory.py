"""A data file that does not fit in memory is the file's problem, said as such (exit 2
naming it), not "internal error (a bug in assay): MemoryError" (hostile34: a 10 MB .csv.gz
of 200,000,000 rows, exit 5 after 113 s)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and /proc")

SCRIPT = r"""
import resource, sys
import assay
from assay.errors import UsageError
from assay.fairness.loading import setup_fairness
with open("/proc/self/status") as f:
    vm = next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))
limit = (vm << 10) + (int(sys.argv[2]) << 20)
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
try:
    setup_fairness(sys.argv[3] + ":predict", data=sys.argv[1], protected="sex", label="y")
except UsageError as exc:
    print("USAGE", exc.argument, exc)
"""


@pytest.mark.parametrize("room_mb", [300, 700])
def test_a_data_file_larger_than_memory_is_a_usage_error(tmp_path: Path, room_mb: int) -> None:
    data = tmp_path / "big.csv.gz"
    with gzip.open(data, "wb", compresslevel=1) as f:
        f.write(b"age,sex,y\n")
        chunk = b"40,F,1\n41,M,0\n" * 50_000
        for _ in range(300):  # 30,000,000 rows: ~200 MB of text, 1 MB on disk
            f.write(chunk)
    model = tmp_path / "m.py"
    model.write_text("def predict(X):\n    return (X['age'] > 40).astype(int).to_numpy()\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), str(room_mb), str(model)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.startswith("USAGE --data"), done.stdout + done.stderr[-2000:]
    assert "ran out of this machine's memory" in done.stdout
    assert "compressed" in done.stdout and "malformed" not in done.stdout
