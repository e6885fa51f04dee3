"""``python -m assay`` counts its run from the process's start (mutation26): a slow start
(here a ``sitecustomize`` that sleeps, as a loaded machine's imports do) is in the run's
wall seconds, not left out of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import assay

SRC = str(Path(assay.__file__).parents[1])
SLEEP = 3.0


def test_a_slow_start_is_in_the_commands_seconds(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(f"import time\ntime.sleep({SLEEP})\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), SRC])}
    args = ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "200"]
    args += ["--seed", "1", "--store", str(tmp_path / "r.db"), "--no-exact", "--json"]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, env=env
    )
    assert done.returncode in (0, 1), done.stderr
    wall = json.loads(done.stdout)["summary"]["wall_seconds"]
    assert wall >= SLEEP, wall
