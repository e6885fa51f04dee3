"""What the kill-and-resume tests share: the command line run in a process whose model answers
each call of its search ``ms`` milliseconds late, so that the run to be killed cannot end
between two looks at its store however fast or loaded the machine (flaky50: the official CI
saw fair36's run end first, and the other tests that kill a run on what its store shows ran
the same race).  Only the search's calls wait (``core.run.execute``'s model): the loading,
probe and checks before it run as in the clean run; the run to be resumed is the same run
(its resume, a plain ``assay resume``, waits for nothing)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import assay

SLOWED = """
import sys, time
import assay.core.run as run
late, execute = float(sys.argv[1]) / 1000, run.execute
def slowed(technique, model, *a, **k):
    predict = model.predict
    def later(x):
        time.sleep(late)
        return predict(x)
    model.predict = later
    return execute(technique, model, *a, **k)
run.execute = slowed
from assay.cli.app import main
main(sys.argv[2:])
"""


def slowed(args: list[str], ms: int) -> list[str]:
    """The command line ``assay ARGS`` whose search's model calls each wait ``ms`` ms."""
    return [sys.executable, "-c", SLOWED, str(ms), *args]


def slowed_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """``env`` (else this process's) with the assay under test first on the path."""
    env = dict(os.environ if env is None else env)
    here = str(Path(assay.__file__).parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    return env
