"""units36: a text campaign's run-wide figures count distinct cases, as its Tests table does.

Two units of a small grammar judge the same 18 cases: since text36 the Tests table said 18,
while the cases judged, the errors (the headline's failures, the JSON summary's, the HTML's
and JUnit's, read from the summary) and the errors per 1,000 queries added the units' (36).
Now every figure counts each case once, as a fairness campaign counts its discriminatory
inputs; a unit that judged more cases than it kept keys of (``CASE_KEYS``) leaves the figures
added, and the headline says so.  The queries stay the units' added (the work the budget
counts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay.text.engine as engine_module
from assay.text.pipeline import WORKER_ENV

from test_checklist34_text import _run  # isort: skip


def _summary(tmp_path: Path, units: int | None) -> dict[str, Any]:
    summary: dict[str, Any] = _run(tmp_path, "directional", units).summary
    return summary


def test_a_campaigns_figures_count_each_case_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    one, two = _summary(tmp_path, None), _summary(tmp_path, 2)
    tests, metrics = two["text"]["tests"], two["metrics"]
    errors = two["text"]["errors"]
    # main: 36 cases judged and 18 errors (the units' added) beside a table of 18 and 9
    assert metrics["cases judged"] == sum(t["cases"] for t in tests) == 18
    assert errors == sum(t["failing"] for t in tests) == 9
    assert metrics["errors found (distinct failing sentences)"] == errors
    assert two["headline"].startswith(f"{errors:,} directional failures found in ")
    queries = metrics["queries"]
    assert queries > one["metrics"]["queries"]  # (the work: each unit's queries, added)
    assert metrics["errors per 1,000 queries of the search phase only"] == pytest.approx(
        1000 * errors / queries, 0.01
    )
    # the same cases as one search judged: the same figures
    assert metrics["cases judged"] == one["metrics"]["cases judged"]
    assert errors == one["text"]["errors"]
    assert "add the" not in two["headline"]
    # the counters of the units' work say so (main: "cases proposed by the search" 36 beside
    # 18 cases judged, "unique sentences generated" 36)
    assert "unique sentences generated" not in metrics
    assert (
        metrics["sentences generated, the 2 units' added (a sentence two units asked counts twice)"]
        == 36
    )
    proposed = "cases proposed by the 2 units' searches, added (a case two units proposed "
    assert metrics[proposed + "counts twice)"] == 36


def test_units_beyond_their_kept_keys_say_their_figures_are_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.setattr(engine_module, "CASE_KEYS", 4)  # each unit keeps 4 of its 18
    two = _summary(tmp_path, 2)
    assert two["metrics"]["cases judged"] == 36 and two["text"]["errors"] == 18
    assert "add the 2 units' own (a case two units judged counts twice" in two["headline"]


def test_the_kept_case_keys_survive_two_checkpoints() -> None:
    """A resumed unit keeps the keys of the cases it judged before (the two checkpoints'
    appends, as the store joins them): without them its run-wide figures would be added."""
    from assay.core.checkpoint import Snapshot
    from assay.text.engine import thaw

    from test_mutation35_checklist import _engine  # isort: skip
    from test_checklist34_text import SUITE  # isort: skip

    a, b = _engine(SUITE), _engine(SUITE)
    try:
        a.step()
        first = a.snapshot()
        a.step()
        second = a.snapshot()
        assert first.appends.get("case_keys") is not None
        assert second.appends.get("case_keys") is not None  # (only the new ones)
        joined = {
            k: np.concatenate([s.appends[k] for s in (first, second) if k in s.appends])
            for k in set(first.appends) | set(second.appends)
        }
        b.restore(Snapshot(values=second.values, arrays=second.arrays, appends=joined))
        assert len(b.case_keys) == a.cases == len(a.case_keys) > 0
        assert b.case_keys == a.case_keys
        assert any(k < 0 for k, _ in b.case_keys) and any(r >= 0 for _, r in b.case_keys)
    finally:
        thaw()
