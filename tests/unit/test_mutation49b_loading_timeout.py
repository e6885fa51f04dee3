"""mutation49b: loading's 64 inputs asked of a model answering whole numbers and declaring no
classes (``fairness.amounts.amounts_at_loading``, left48f) are asked under --call-timeout, as
every other call of the model: hanging on them hung loading, with no deadline."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore


def test_loadings_inputs_to_a_whole_number_model_are_timed(tmp_path: Path) -> None:
    # (AM1) its probe (two inputs) answered at once; the 64 then hang: ended at 2 s
    release = threading.Event()

    def labels(x: Any) -> np.ndarray:
        if len(x) > 2:
            release.wait(30)  # (under the bug: answered after 30 s, and no error)
        return np.asarray(pd.DataFrame(x)["income"] > 50, dtype=np.int64)

    rng = np.random.default_rng(0)
    people = pd.DataFrame({"sex": rng.integers(0, 2, 300), "income": rng.integers(10, 90, 300)})
    store = tmp_path / "s.db"
    try:
        with pytest.raises(assay.ModelError, match="did not answer within 2 s"):
            assay.check_fairness(labels, people, protected="sex", call_timeout=2, store=store,
                                 max_queries=500, seed=1)  # fmt: skip
    finally:
        release.set()
    if store.exists():
        with RunStore(store) as s:
            assert list(s.list_runs()) == []  # (refused at loading: no run made)
