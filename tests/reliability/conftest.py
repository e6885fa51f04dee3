"""Shared pieces of the fault-injection suite: a small callable model, data, a run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

MODEL_SOURCE = '''
import os
import sys
import time

import numpy as np

calls = [0]


def biased(x):
    """Favours sex == 1 for mid-range x: plenty of discriminatory inputs."""
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) | ((x[:, -1] == 1) & (x[:, 0] > 40) & (x[:, 1] < 50))).astype(int)


def hangs_later(x):
    """Answers a few calls (the probe, the determinism check, two rounds; or as many as
    ``ASSAY_TEST_HANG_AFTER`` says), then never again (while the flag file exists); the file
    ``ASSAY_TEST_HUNG_MARK`` names is made as the hang begins."""
    calls[0] += 1
    flag = os.environ.get("ASSAY_TEST_HANG_FLAG")
    after = int(os.environ.get("ASSAY_TEST_HANG_AFTER", "5"))
    if calls[0] > after and (flag is None or os.path.exists(flag)):
        mark = os.environ.get("ASSAY_TEST_HUNG_MARK")
        if mark:  # (the test learns that, and when, the hang began)
            open(mark, "a").close()
        while True:
            time.sleep(3600)
    return biased(x)


def exits_later(x):
    calls[0] += 1
    if calls[0] > 3:
        sys.exit(0)
    return biased(x)


def interrupts_later(x):
    calls[0] += 1
    if calls[0] > 3:
        raise KeyboardInterrupt
    return biased(x)


def chatty(x):
    print("model says hello", flush=True)
    os.write(1, b"native hello\\n")
    return biased(x)


def zeros(x):
    return np.zeros(len(x), dtype=np.int64)
'''


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("reliability")
    (d / "models.py").write_text(MODEL_SOURCE)
    rng = np.random.default_rng(0)
    n = 400
    rows = np.column_stack([rng.integers(0, 100, (n, 4)), rng.integers(0, 2, n)])
    rows[:2, :4] = [[0, 0, 0, 0], [99, 99, 99, 99]]  # the full range of every column
    (d / "people.csv").write_text(
        "x,z,w,v,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )
    return d
