"""A fairness run whose answer and determinism checks asked their queries and then ran out of
--max-time says so beside the counts: the headline's "in all, the model was asked ..." counted
"1,400 by the answer, 568 by the determinism checks" bare, while the same run said "no share
was measured" and its determinism section "skipped: --max-time ran out before it" (a slow
served model under --max-time 12: hostile37b's Left 3).  On main the headline's counts carried
no such words and the flip check said "before it" of queries it had asked."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.errors import BudgetExhausted
from assay.fairness import phases

CUT = "--max-time ran out during it: its queries were asked, no result"


def _headline(tmp_path: Path, summary: dict[str, Any], asked: dict[str, int]) -> str:
    with RunStore(tmp_path / "s.db") as store:
        store.create_run(
            run_id="r", technique="fairness", seed=1, command="t", config={}, model={}, versions={}
        )
        store.checkpoint(
            "r", summary={"headline": "17 found", "search": {"queries": 64}, **summary}
        )
        phases._record_asked(store, "r", asked)
        return str(store.get_run("r").summary["headline"])


def test_the_answers_and_checks_queries_spent_without_a_result_say_so(tmp_path: Path) -> None:
    cut = {"skipped": CUT, "confirmation": {"confirmation_rate": None, "queries": 8, "cut": CUT}}
    said = _headline(tmp_path, {"determinism": cut}, {"answer": 1400, "checks": 568})
    assert "1,400 by the answer (its samples' variants; spent without a share measured" in said
    assert "568 by the determinism checks (spent without a result" in said


def test_a_measured_answer_and_checks_are_counted_bare(tmp_path: Path) -> None:
    done = {"skipped": None, "deterministic": True, "confirmation": {"confirmation_rate": 1.0}}
    summary = {"verdict": [{"attribute": "sex"}], "determinism": done}
    said = _headline(tmp_path, summary, {"answer": 1400, "checks": 568})
    assert said.endswith(
        "1,400 by the answer (its samples' variants), 568 by the determinism checks"
    )


def test_a_flip_check_cut_after_asking_does_not_say_before_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = SimpleNamespace(sent=0)

    @contextmanager
    def deadlined(*_: Any, **__: Any) -> Iterator[Any]:
        yield model

    def asked_then_cut(*_: Any, **__: Any) -> dict[str, Any]:
        model.sent += 20
        raise BudgetExhausted("out of time", reason="time")

    monkeypatch.setattr(phases, "_deadlined", deadlined)
    monkeypatch.setattr(phases, "_combinations", lambda _setup: 1)
    monkeypatch.setattr(phases, "flip_rate", asked_then_cut)
    setup: Any = SimpleNamespace(model=model, test=SimpleNamespace(schema=None, data=None))
    check = phases._flip_check(setup, 1, None, 12.0, float("inf"), 100)
    assert check["skipped"] == CUT and check["deterministic"] is None
