"""One loaded served model given to two fairness runs in one process (the API): each run
records the requests it sent, not the earlier run's too (bench/RESULTS.md, mutation33b:
the second run recorded 8 requests for the server's 4)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pandas as pd
from test_hostile25a_serving import serve  # noqa: F401  (the fixture)
from test_serve32_serving import _scored

import assay
from assay.core.store import RunStore


def test_each_run_of_one_loaded_served_model_counts_its_own_requests(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    posts: list[int] = []

    def counted(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        posts.append(k)
        _scored(h, n, k)

    model = assay.load_model(serve(counted), n_classes=2, outputs="proba")
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"age": rng.integers(18, 80, 200), "income": rng.integers(0, 100, 200),
         "sex": rng.integers(0, 2, 200)}
    )  # fmt: skip
    store = tmp_path / "s.db"
    for _ in range(2):
        before = len(posts)
        result = assay.check_fairness(
            model, data, protected="sex", max_queries=50, seed=1, store=store, answer=False
        )
        runs = RunStore(store, read_only=True)
        serving = runs.get_run(result.run_id).summary["serving"]
        runs.close()
        assert serving["requests"] == len(posts) - before > 0
        assert serving["wall_seconds"] < 60
