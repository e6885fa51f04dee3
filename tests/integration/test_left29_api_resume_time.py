"""``assay.resume_run`` tells its ``on_note`` what ``assay resume`` says of a resumed run
whose wall clock went past its ``max_time`` (which bounds the search and its checks over the
sessions; each resumed session's loading is beside it): before, a Python caller was told
nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_left28b_loading_time import SRC  # isort: skip
from test_left28b_resume_time import interrupted_run  # isort: skip

RESUME = """
import json, sys
import assay
notes = []
assay.resume_run(sys.argv[1], store="r.db", on_note=notes.append)
print(json.dumps(notes))
"""


# the suite's own state folder (tests/conftest.py): the child knows the model code the run named
_STATE = {k: v for k, v in os.environ.items() if k == "XDG_STATE_HOME"}


def test_resume_run_tells_on_note_what_max_time_bounded(tmp_path: Path) -> None:
    run_id = interrupted_run(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-c", RESUME, run_id],
        cwd=tmp_path,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin", "SLOW": "4", **_STATE},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    notes = json.loads(proc.stdout.strip().splitlines()[-1])
    said = [n for n in notes if n.startswith("max_time=8 bounds the run's search")]
    assert said, notes
    loading = float(said[0].split(" s of it loading again")[0].rsplit(", ", 1)[1])
    assert loading >= 4.0, said  # (the model file sleeps 4 s as it is imported)
