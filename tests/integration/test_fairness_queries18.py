"""Every query a fairness run asks of the model is counted and said, and the determinism
checks stay within a tenth of ``--max-queries`` (or are skipped when asked).

A ``--max-queries 1000`` run on Adult's sex and race asked the model 19,892 rows and said
"in 1,000 queries ...; the answer sampled 2,000 inputs more": the confirmation re-checked 363
IDIs three times with every one of their ten protected variants (10,890 rows) and the flip
check asked 500 inputs twice, counted nowhere, and the answer's 2,000 inputs were 7,000 rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.fairness.result import FairnessResult


class Counting:
    """Biased on ``sex`` for x > 30 (and on ``race`` for x > 40); counts every row asked."""

    capabilities = assay.Capabilities("tabular", 2, "labels")

    def __init__(self) -> None:
        self.rows = 0

    def predict(self, inputs: object, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        self.rows += len(x)
        biased = ((x[:, 0] > 30) & (x[:, 2] == 1)) | ((x[:, 0] > 40) & (x[:, 3] >= 3))
        return (biased | (x[:, 1] > 8)).astype(np.int64)


def _run(model: Counting, **options: object) -> FairnessResult:
    """The counting model on ``_frame()``'s rows, protected sex, 5,000 queries unless said."""
    kwargs: dict = {"data": _frame(), "protected": "sex", "max_queries": 5_000, "seed": 1}
    return assay.check_fairness(model, exact=False, **{**kwargs, **options})


def _frame(n: int = 2000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.integers(0, 60, n),
            "z": rng.integers(0, 10, n),
            "sex": rng.integers(0, 2, n),
            "race": rng.integers(0, 5, n),
        }
    )


@pytest.mark.parametrize(("budget", "estimate"), [(1_000, False), (20_000, False), (20_000, True)])
def test_every_query_asked_is_counted_and_the_checks_ask_at_most_a_tenth(
    tmp_path: Path, budget: int, estimate: bool
) -> None:
    model = Counting()
    result = assay.check_fairness(
        model,
        data=_frame(),
        protected="sex,race",
        max_queries=budget,
        seed=1,
        exact=False,
        estimate=estimate,
        store=tmp_path / "runs.db",
    )
    asked = result.summary["model_queries"]
    assert result.summary["search"]["idis"] > 0, result.headline
    # what the model received is what the run says it asked, phase by phase
    phases = asked["search"] + asked["estimate"] + asked["answer"] + asked["checks"]
    assert asked["total"] == model.rows == phases
    # the engine's phases are the headline's "in N queries", within the budget
    assert asked["search"] + asked["estimate"] == result.progress["queries"] <= budget
    assert (asked["estimate"] > 0) == estimate, asked
    assert 0 < asked["checks"] <= budget // 10, asked
    det = result.summary["determinism"]
    assert det["rows"] > 0 and det["confirmation"]["sampled"] > 0, det
    assert f"in all, the model was asked {model.rows:,} queries" in result.headline
    assert f"{asked['checks']:,} by the determinism checks" in result.headline
    assert (
        result.summary["metrics"]["queries asked of the model in all (every phase)"] == model.rows
    )


def test_no_determinism_check_asks_none_and_says_it_was_not_checked(tmp_path: Path) -> None:
    model = Counting()
    result = _run(model, determinism_check=False, store=tmp_path / "runs.db")
    asked = result.summary["model_queries"]
    assert asked["checks"] == 0 and asked["total"] == model.rows
    det = result.summary["determinism"]
    assert det["deterministic"] is None and det["confirmation"]["sampled"] == 0
    texts = [s["text"] for s in result.summary["sections"] if s.get("title") == "Determinism"]
    assert texts and texts[0].startswith("Determinism NOT checked"), texts
    assert "answers changed on a repeated call (%)" not in result.summary["metrics"]
    assert "determinism checks" not in result.headline
    assert "not deterministic" not in result.headline


def test_the_cli_flag_skips_the_checks_and_the_rerun_line_keeps_it(tmp_path: Path) -> None:
    model_file = tmp_path / "m.py"
    model_file.write_text(
        "import numpy as np\n"
        "def predict(x):\n"
        "    x = np.asarray(x, dtype=float)\n"
        "    return ((x[:, 0] > 30) & (x[:, 2] == 1)).astype(int)\n"
    )
    data = tmp_path / "d.csv"
    _frame().to_csv(data, index=False)
    register()
    got = CliRunner().invoke(
        app,
        [
            "fairness",
            f"{model_file}:predict",
            "--data",
            str(data),
            "--protected",
            "sex",
            "--max-queries",
            "3000",
            "--seed",
            "2",
            "--no-determinism-check",
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert got.exit_code == 1, got.output
    rerun = [line for line in got.output.splitlines() if "to reproduce:" in line]
    assert rerun and "--no-determinism-check" in rerun[0], got.output
    assert "in all, the model was asked" in got.output
    assert "determinism checks" not in got.output


_NOISY = """
import time
import numpy as np
_rng = np.random.default_rng(0)
def predict(x):
    x = np.asarray(x, dtype=float)
    time.sleep(0.05)
    out = ((x[:, 0] > 30) & (x[:, 2] == 1)).astype(int)
    noisy = x[:, 1] == 3
    out[noisy] = _rng.integers(0, 2, int(noisy.sum()))
    return out
"""


@pytest.mark.slow
def test_a_resumed_run_reports_its_first_sessions_determinism_check(tmp_path: Path) -> None:
    """A run killed after its flip check and resumed reported no determinism at all: a model
    answering at random on some rows lost its 'not deterministic' warning."""
    import os
    import signal
    import subprocess
    import time

    from slowed_search import slowed, slowed_env

    from assay.core.store import RunStore

    (tmp_path / "noisy.py").write_text(_NOISY)
    data = tmp_path / "d.csv"
    _frame().to_csv(data, index=False)
    store = tmp_path / "runs.db"
    args = ["fairness", f"{tmp_path / 'noisy.py'}:predict", "--data", str(data)]
    args += ["--protected", "sex", "--max-queries", "20000", "--seed", "3", "--quiet"]
    # the search's calls wait 50 ms more: the run cannot end between a look at its store and
    # the kill (flaky50)
    proc = subprocess.Popen(
        slowed([*args, "--store", str(store)], 50),
        env=slowed_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    run_id = None
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if not store.exists():
                continue
            s = RunStore(store)
            runs = s.list_runs()
            kept = runs and (runs[0].config.get("budget") or {}).get("determinism_flip")
            if kept and runs[0].progress.get("queries"):
                run_id = runs[0].id
                s.close()
                break
            s.close()
        assert run_id is not None and proc.poll() is None, "the run ended before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    resumed = assay.resume_run(run_id, store=store)
    det = resumed.summary["determinism"]
    assert det["rows"] > 0 and det["deterministic"] is False, det
    assert det["confirmation"]["sampled"] > 0
    assert "not deterministic" in resumed.headline
    asked = resumed.summary["model_queries"]
    assert asked["checks"] >= 2 * det["rows"], asked


def test_a_served_model_is_told_before_the_run_what_it_may_ask_beside_the_search(
    tmp_path: Path,
) -> None:
    """Each query to an endpoint is a request, perhaps billed: before anything is asked, the
    run says what it may ask beside --max-queries, and the rows the server received are no
    more than that and equal to the headline's count."""
    import re

    from serving_servers import FaultServer

    received = [0]

    def answer(x: np.ndarray) -> np.ndarray:
        received[0] += len(x)
        p = ((x[:, 8] > 0) & (x[:, 0] > 40)).astype(float)
        return np.stack([p, 1 - p], axis=1)

    register()
    with FaultServer(answer) as server:
        got = CliRunner().invoke(
            app,
            [
                "fairness", server.url, "--dataset", "adult", "--protected", "sex",
                "--max-queries", "2000", "--seed", "1", "--store", str(tmp_path / "r.db"),
            ],
        )  # fmt: skip
    note = re.search(
        r"note: --max-queries 2,000 bounds the search; beside it the run may ask the served "
        r"model up to ([\d,]+) queries for the answer's samples and up to ([\d,]+) for the "
        r"determinism checks",
        got.output,
    )
    assert note, got.output
    beside = sum(int(g.replace(",", "")) for g in note.groups())
    said = re.search(r"in all, the model was asked ([\d,]+) queries", got.output)
    assert said, got.output
    total = int(said.group(1).replace(",", ""))
    assert received[0] - 2 <= total <= received[0]  # (the loader's probe: at most 2 rows)
    assert total <= 2000 + beside


def test_a_smaller_answer_sample_asked_for_is_kept_under_a_query_budget(tmp_path: Path) -> None:
    """answer_samples=200 under max_queries was raised to 500 per source: the way to ask a
    billed endpoint less was ignored."""
    model = Counting()
    result = _run(model, answer_samples=200, store=tmp_path / "runs.db")
    verdict = result.summary["verdict"][0]
    assert verdict["uniform_sampled"] == verdict["data_sampled"] == 200, verdict
    assert result.summary["model_queries"]["answer"] == 200 * 2 * 2


def test_units_say_their_budget_is_each_units_not_the_runs(tmp_path: Path) -> None:
    """'in 4,000 queries ...; automatic: a small query budget (2,000 queries)': the note was
    the first unit's own words."""
    model = Counting()
    result = _run(model, max_queries=4_000, units=2, store=tmp_path / "runs.db")
    assert result.progress["queries"] == 4_000
    assert "a small query budget (2,000 queries for each of its 2 units)" in result.headline
    assert "(2,000 queries)" not in result.headline


def test_a_served_models_connections_are_closed_when_the_run_ends(tmp_path: Path) -> None:
    """Fairness left a served model's connections to the garbage collector (text and
    backdoor closed theirs): an HttpModel caught in a reference cycle then dropped 'unclosed
    socket' warnings into whatever ran next (a CI run failed on one)."""
    from serving_servers import FaultServer

    from assay.fairness.api import setup_fairness
    from assay.models.serving import served_model

    def answer(x: np.ndarray) -> np.ndarray:
        p = ((x[:, 8] > 0) & (x[:, 0] > 40)).astype(float)
        return np.stack([p, 1 - p], axis=1)

    with FaultServer(answer) as server:
        setup = setup_fairness(server.url, dataset="adult", protected="sex")
        served = served_model(setup.raw_model)
        assert served is not None
        assay.check_fairness(setup=setup, max_queries=1_000, seed=1, store=tmp_path / "r.db")
        assert served._local is None  # closed; a later call opens new connections
        again = assay.check_fairness(
            setup=setup, max_queries=1_000, seed=1, store=tmp_path / "r.db"
        )
        assert again.summary["search"]["queries"] == 1_000
        assert served._local is None
