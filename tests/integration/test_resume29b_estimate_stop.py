"""A fairness ``--estimate`` run stopped (or killed) during its estimate phase, then resumed,
must answer as the same run not resumed.

The answer reuses the estimate's first inputs (``fairness.kept``); they were kept in memory
only, so a resume kept only those its estimate drew after the resume and its answer drew the
rest afresh: the same IDIs (20,666 both in the resume sweep) but 1,900 reused inputs against
4,900, 30,000 answer queries against 24,000 and another verdict.  They are now kept with the
estimate's checkpoints (appends: each writes only the rows kept since the one before)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from resume29b_files import write_people

from assay import check_fairness, resume_run
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

BIASED = '''
import numpy as np


def biased(x):
    """Favours sex == 1 for mid-range x."""
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 70) | ((x[:, 2] == 1) & (x[:, 0] > 40) & (x[:, 1] < 50))).astype(int)
'''


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "biased_model.py").write_text(BIASED)
    write_people(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


ARGS: dict[str, Any] = {
    "data": "people.csv",
    "protected": "sex",
    "max_queries": 30_000,
    "seed": 4,
    "estimate": True,
    "optimize": "queries",
}


@pytest.mark.parametrize("lines", [1, 3])
def test_a_run_stopped_in_its_estimate_answers_as_the_run_not_resumed(
    files: Path, lines: int
) -> None:
    clean = check_fairness("biased_model.py:biased", store=files / "clean.db", **ARGS)
    stop = threading.Event()
    estimated: list[dict[str, Any]] = []

    def on_progress(p: dict[str, Any]) -> None:
        if isinstance(p.get("estimate"), dict) and p["estimate"]["sampled"]:
            estimated.append(p["estimate"])
            if len(estimated) >= lines:
                stop.set()  # after the estimate's first batches (some inputs kept)

    first = check_fairness(
        "biased_model.py:biased",
        store=files / "resumed.db",
        stop=stop,
        on_progress=on_progress,
        **ARGS,
    )
    assert first.status == "interrupted"
    assert len(estimated) >= lines  # (the lines after the stop repeat the last figures)
    resumed = resume_run(first.run_id, store=files / "resumed.db")
    assert resumed.n_findings == clean.n_findings > 0
    reused = clean.summary["analysis"]["reused_from_estimate"]
    # the estimate had kept fewer inputs than the answer reuses when it stopped
    assert 0 < estimated[-1]["sampled"] < reused
    untimed = {k: v for k, v in clean.summary["analysis"].items() if k != "seconds"}
    assert {k: resumed.summary["analysis"][k] for k in untimed} == untimed
    assert resumed.summary["verdict"] == clean.summary["verdict"]
    assert resumed.summary["direction"] == clean.summary["direction"]
    with RunStore(files / "resumed.db") as store:
        assert store.count_findings(first.run_id) == clean.n_findings
