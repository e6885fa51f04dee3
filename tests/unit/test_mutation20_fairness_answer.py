"""The fairness answer added to a stored run, where a wrong branch would pass the run.

Each test kills a one-token bug (a mutation) that the rest of the suite let through: a
certificate of zero kept for an attribute whose discrimination the search found (a rule on
the share then passed the run), an answer left out for time that no longer said so (exit 0
with nothing measured), a constant model not caught once its time budget ended
(bench/RESULTS.md, "mutation20").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay
from assay.cli.console import Output
from assay.cli.reporting import finish_run
from assay.core.findings import FindingBatch
from assay.core.store import ENDED, RunStore
from assay.fairness.answer import add_answer
from assay.fairness.phases import _add_answer

RULE = {"answer": {"fail_on": "share>0.1", "enabled": True}}


def _stored(path: Path, summary: dict[str, Any], config: dict[str, Any], found: int) -> RunStore:
    store = RunStore(path)
    store.create_run(
        run_id="r1", technique="fairness", seed=1, command="assay fairness", config=config,
        model={}, versions={},
    )  # fmt: skip
    batch = FindingBatch("idi", np.zeros((found, 2, 2)), np.zeros((found, 2, 1)), np.ones(found))
    store.checkpoint("r1", findings=[batch] if found else [], status="completed", summary=summary)
    return store


def test_a_certificate_the_searchs_finding_contradicts_fails_the_rule(tmp_path: Path) -> None:
    """The exact analysis certifies zero for sex, but the search stored an input whose sex
    alone changes the outcome (the model confirmed it): the certificate is withdrawn and the
    rule fails the run (exit 1), where 'certified zero' passed it (exit 0)."""
    variant = {"protected": {"sex": 1}, "differs": True}
    example = {"input": {"sex": 0, "hours": 40}, "variants": [variant]}
    store = _stored(
        tmp_path / "runs.db", {"headline": "h", "tested": 10, "examples": [example]}, RULE, 1
    )
    certified = {
        "attribute": "sex", "basis": "exact", "level": "certified zero", "fails": False,
        "certificate": "no leaf depends on sex", "uniform_sampled": 100, "share_uniform": 0.0,
    }  # fmt: skip
    try:
        add_answer(store, "r1", {"verdict": [certified]})
        row = store.get_run("r1").summary["verdict"][0]
        assert row["level"] == "fail" and row["fails"] is True and not row["certificate"]
        assert finish_run(Output(quiet=True), store=store, run_id="r1") == 1
    finally:
        store.close()


def test_an_answer_left_out_for_time_is_not_a_pass(tmp_path: Path) -> None:
    """--max-time left no room for the answer and the search found nothing: no share was
    measured, so the run is NOT EVERYTHING WAS TESTED (exit 2), never exit 0."""
    store = _stored(tmp_path / "runs.db", {"headline": "h", "tested": 10}, {}, 0)
    try:
        assert _add_answer(store, "r1", None) is None
        assert finish_run(Output(quiet=True), store=store, run_id="r1") == 2
    finally:
        store.close()


def test_a_constant_model_is_untested_when_its_time_budget_ends(tmp_path: Path) -> None:
    """A model answering one class to everything, stopped by --max-time: its run ended
    budget_exhausted, and is NOTHING WAS TESTED all the same (it passed: "none found")."""
    rng = np.random.default_rng(0)
    people = pd.DataFrame(
        {
            "sex": rng.integers(0, 2, 300),
            "hours": rng.integers(1, 99, 300),
            "income": rng.integers(0, 100_000, 300),
            "age": rng.integers(18, 90, 300),
        }
    )

    def constant(rows: Any) -> np.ndarray:
        return np.zeros(len(rows), dtype=np.int64)

    result = assay.check_fairness(
        constant, data=people, protected=["sex"], max_time=2, seed=1, store=tmp_path / "s.db"
    )
    assert result.status in ENDED and not result.passed
    assert "same answer" in (result.untested or ""), result.summary.get("headline")
