"""A stored backdoor run's model loaded again (``backdoor.resume.setup_from_record``: resume,
finish, verify) has the run's ``--call-timeout`` for loading's probe calls (c34fb7e), not
the default 60 s: bench/RESULTS.md, mutation33b (mutant BT3, the deadline dropped, survived
``test_hostile32_backdoor_loading.py``, which loads new runs only)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()

NET = (
    "import time\nimport numpy as np\n"
    "def net(x):\n"
    "    out = np.zeros((len(x), 10))\n"
    "    k = (np.asarray(x).reshape(len(x), -1).mean(1) * 10).astype(int) % 10\n"
    "    out[np.arange(len(x)), k] = 1.0\n"
    "    return out\n"
)
HUNG = (
    "import time\nimport numpy as np\n"
    "def net(x):\n    time.sleep(30)\n    return np.zeros((len(x), 10))\n"
)


def test_verify_of_a_backdoor_run_loads_its_model_with_the_run_s_call_timeout(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "images.npy", rng.random((12, 8, 8)).astype(np.float32))
    np.save(tmp_path / "clean.npy", rng.random((20, 8, 8)).astype(np.float32))
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    store = str(tmp_path / "runs.db")
    made = CliRunner().invoke(
        app,
        ["backdoor", f"{tmp_path}/net.py:net", "--images", str(tmp_path / "images.npy"),
         "--clean", str(tmp_path / "clean.npy"), "--classes", "10", "--call-timeout", "2",
         "--max-queries", "200", "--store", store, "--quiet"],
    )  # fmt: skip
    assert made.exit_code in (0, 1, 2), made.output  # (2: some images untested)
    runs = RunStore(store, read_only=True)
    (run,) = runs.list_runs()
    runs.close()
    (tmp_path / "net.py").write_text(HUNG, encoding="utf-8")  # hangs from now on
    started = time.monotonic()
    verified = CliRunner().invoke(app, ["verify", run.id, "--store", store])
    assert verified.exit_code == 3, verified.output
    assert "within 2 s" in verified.output, verified.output
    assert time.monotonic() - started < 25
