"""mutation53b, over left53's ``resume_run`` of an ended run: the refusal it now gives before
claiming the run names the argument, as the technique's own refusal did (``argument run_id:
run ... already ended (completed); nothing to resume``), and leaves the run no one's."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.core.runlock import held_runs
from assay.core.store import RunStore


def test_resume_run_of_an_ended_run_names_its_argument(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = RunStore(path)
    store.create_run(
        run_id="fairness-1",
        technique="fairness",
        seed=0,
        command="c",
        config={},
        model={},
        versions={},
    )
    store.checkpoint("fairness-1", status="completed", summary={"n_findings": 0})
    store.let_go("fairness-1")
    store.close()
    with pytest.raises(assay.UsageError) as refused:
        assay.resume_run("fairness-1", store=path)
    # (hostile53b/left53c add the line of its reports after it)
    assert str(refused.value).startswith(
        "argument run_id: run fairness-1 already ended (completed); nothing to resume"
    )
    assert held_runs(path) == []
