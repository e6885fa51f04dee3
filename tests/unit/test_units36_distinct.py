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
    assert metrics["errors per 1,000 queries"] == pytest.approx(1000 * errors / queries, 0.01)
    # the same cases as one search judged: the same figures
    assert metrics["cases judged"] == one["metrics"]["cases judged"]
    assert errors == one["text"]["errors"]
    assert "add the" not in two["headline"]


def test_units_beyond_their_kept_keys_say_their_figures_are_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.setattr(engine_module, "CASE_KEYS", 4)  # each unit keeps 4 of its 18
    two = _summary(tmp_path, 2)
    assert two["metrics"]["cases judged"] == 36 and two["text"]["errors"] == 18
    assert "add the 2 units' own (a case two units judged counts twice" in two["headline"]
