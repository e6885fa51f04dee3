"""A resumed text run loads its classifiers again (2 sentences each of a function): those
queries count within --max-queries as the first session's do (before: 3,002 of 3,000), and
the findings are those of the run never stopped."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text, resume_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
SPECS = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]
BUDGET = 1500


def _interrupted(
    store: RunStore, monkeypatch: pytest.MonkeyPatch, checkpoints: int, **kw: Any
) -> Any:
    """A run stopped after a few checkpoints, as a kill leaves it: marked interrupted."""
    import assay.core.run as core_run

    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", checkpoints)
        return orig(*a, **k)

    monkeypatch.setattr("assay.text.phases.execute", cut)
    first = check_text(
        SPECS, grammar="builtin:reviews", store=store, seed=3, max_queries=BUDGET, **kw
    )
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    store.checkpoint(first.run_id, status="interrupted")
    return first


def _sha(result: Any) -> str:
    return hashlib.sha1(result.findings().to_csv().encode()).hexdigest()


@pytest.mark.parametrize("checks", [True, False], ids=["checks", "no-checks"])
def test_a_resumed_run_keeps_within_its_query_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks: bool
) -> None:
    kw = {"determinism_check": checks}
    whole = check_text(
        SPECS, grammar="builtin:reviews", store=tmp_path / "w.db", seed=3, max_queries=BUDGET, **kw
    )
    store = RunStore(tmp_path / "cut.db")
    first = _interrupted(store, monkeypatch, 3, **kw)
    again = resume_text(first.run_id, store=store)
    asked = again.summary["model_queries"]
    assert asked["loading_resumed"] == 2
    assert asked["total"] <= BUDGET, asked  # before: 2 beyond it
    if checks:  # the re-check's reserve pays for it: the search is the whole run's
        assert _sha(again) == _sha(whole)
        assert asked["search"] == whole.summary["model_queries"]["search"]
