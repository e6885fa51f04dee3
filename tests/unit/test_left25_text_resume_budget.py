"""A resumed text run loads its classifiers again (2 sentences each of a function): those
queries count within --max-queries as the first session's do (before: 3,002 of 3,000), and
the findings are those of the run never stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text, resume_text

from test_text_left18a import SPECS, _interrupted, _sha  # isort: skip

BUDGET = 1500  # (_interrupted's)


@pytest.mark.parametrize("checks", [True, False], ids=["checks", "no-checks"])
def test_a_resumed_run_keeps_within_its_query_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checks: bool
) -> None:
    if not checks:
        monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    whole = check_text(
        SPECS, grammar="builtin:reviews", store=tmp_path / "w.db", seed=3, max_queries=BUDGET
    )
    store = RunStore(tmp_path / "cut.db")
    first = _interrupted(store, monkeypatch, 3)
    again = resume_text(first.run_id, store=store)
    asked = again.summary["model_queries"]
    # left28b: loading's probe is answered as the first session was answered (it asked 2
    # again, out of the re-check's reserve, or with the checks off out of the search's)
    assert "loading_resumed" not in asked
    assert asked["total"] <= BUDGET, asked  # before: 2 beyond it
    assert _sha(again) == _sha(whole)  # checks off too (left28b)
    assert asked == whole.summary["model_queries"]
