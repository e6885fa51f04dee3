"""mutation35: checklist34's per-test counts over units, and the keys of a grammar whose
relations never make the same sentences.

checklist34's tests ran one unit: a campaign (``units=2``) adding only the first unit's
per-test counts, or adding every test's into each, or losing which test a unit's minimal
failures broke, passed them.  And a grammar without two relations of one edit keeps its case
keys as they were (the sentences alone): keyed by relation too, a walk's known-error check
(``known.within``) never matches and a run stored before resumes with other keys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.text.api import setup_text
from assay.text.pipeline import WORKER_ENV

from test_checklist34_text import SMILEY, SUITE, _blind, _run  # isort: skip


def test_units_add_each_tests_counts_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    result = _run(tmp_path, "directional", units=2)
    down, not_up = result.summary["text"]["tests"]
    metrics = result.summary["metrics"]
    # every case of a directional run is a case of one of its tests, in whichever unit;
    # each counted once however many units judged it (text36: the two units judged the
    # same 18 cases, and the tests said 36; units36: the run's own metric said 36 still)
    assert down["cases"] + not_up["cases"] == 18 == metrics["cases judged"]
    assert down["failing"] == down["cases"] and not_up["failing"] == 0  # (as one unit says)
    assert down["distinct minimal"] == metrics["distinct minimal failing sentences"] > 0
    assert not_up["distinct minimal"] == 0
    ranked = result.summary["text"]["minimal"]
    assert ranked and all(r.get("test") == down["test"] for r in ranked)


def _engine(grammar: str) -> Any:
    from assay.core.budget import BudgetedModel

    setup = setup_text([_blind], grammar=grammar, oracle="directional")
    model = BudgetedModel(setup.model, max_queries=1000)
    return setup.test.search(model, np.random.default_rng(0)).engine


@pytest.mark.parametrize(("grammar", "tagged"), [(SMILEY, False), (SUITE, True)])
def test_a_case_key_holds_its_relation_only_where_two_relations_are_twins(
    grammar: str, tagged: bool
) -> None:
    from assay.text.engine import _SEP, thaw

    engine = _engine(grammar)
    try:
        engine.step()
        assert engine.keys, "nothing judged"
        case = next(iter(engine._rendered))
        joined = _SEP.join(engine.texts(case))
        assert (engine.key(case) != joined) is tagged
    finally:
        thaw()


def test_the_per_test_counts_survive_a_checkpoint() -> None:
    """A resumed run goes on from the counts it had (checkpointed with the engine): from 0 it
    said fewer cases per test than it judged, or a test "judged no case"."""
    from assay.text.engine import thaw

    a, b = _engine(SUITE), _engine(SUITE)
    try:
        a.step()
        a.step()
        assert all(c > 0 for c, _ in a.per_test)
        b.restore(a.snapshot())
        assert b.per_test == a.per_test
    finally:
        thaw()


def test_a_test_that_judged_cases_and_failed_none_is_said_so() -> None:
    """Its line says "0 of N cases failing" (it passed); "no case judged: nothing of it was
    tested" is for a test no case reached (checklist34's test had none of the former)."""
    from assay.cli.console import Output
    from assay.cli.text_lines import say_failing

    lines: list[str] = []

    class Said(Output):
        def say(self, text: str = "") -> None:
            lines.append(text)

    tests = [
        {"test": "line 6: %directional a", "cases": 9, "failing": 9, "distinct minimal": 9},
        {"test": "line 7: %directional b", "cases": 9, "failing": 0, "distinct minimal": 0},
    ]
    say_failing(Said(), {"text": {"tests": tests, "minimal": []}})
    assert "  line 7: %directional b: 0 of 9 cases failing (0.0 %), 0 distinct minimal" in lines
    assert not any("nothing of it was tested" in line for line in lines)
