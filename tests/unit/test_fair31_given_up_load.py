"""A model file whose import a load given up at ``max_time`` left running on another thread:
the next load waits for that import (fair31's hostile review).  Timed (a load given up at
``max_time=0.5``, a gate opened 0.5 s later and ``>= 0.3`` s waited): named apart from
test_fair31_notebook (which runs beside the rest in `make test`) so that it runs in the rest
(ci39)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay

_SLOW_FILE = """
import pathlib, time
_gate = pathlib.Path(__file__).with_name("go")
_t = time.monotonic()
while not _gate.exists() and time.monotonic() - _t < 30:
    time.sleep(0.01)
import numpy as np
def f(X):
    return (np.asarray(X, dtype=float)[:, 0] > 0.5).astype(int)
"""


def test_a_file_a_given_up_load_still_imports_is_waited_for(tmp_path: Path) -> None:
    # a load given up at max_time on a thread (a web server's worker, a pipeline's pool)
    # goes on importing the model's file in the background; the next call loading that file
    # took the half-run module: "slow.py has no 'f'; it defines: (nothing callable)"
    (tmp_path / "slow.py").write_text(_SLOW_FILE)
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.random(200), "sex": rng.integers(0, 2, 200)})
    kwargs: dict[str, Any] = {
        "model": f"{tmp_path / 'slow.py'}:f",
        "data": df,
        "protected": "sex",
        "store": tmp_path / "r.db",
    }
    errors: list[BaseException] = []

    def given_up() -> None:
        try:
            assay.check_fairness(max_time=0.5, **kwargs)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=given_up)
    worker.start()
    worker.join()
    assert len(errors) == 1 and "given up after" in str(errors[0])
    opened = threading.Timer(0.5, (tmp_path / "go").touch)
    opened.start()
    started = time.monotonic()
    result = assay.check_fairness(max_queries=300, **kwargs)
    opened.join()
    assert result.status == "completed"
    assert time.monotonic() - started >= 0.3  # (it waited for the import to end)
