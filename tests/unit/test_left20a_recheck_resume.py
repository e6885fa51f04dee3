"""``ASSAY_TEXT_RECHECK=0`` changes a text run's findings (the determinism checks' queries
come out of the search's budget; turned off, the search has it all): the run keeps it
(``config["environment"]``, which its rerun line sets), and a resumed run follows what the
run began with, whether the variable is set at the resume or not."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text, resume_text, setup_text
from assay.text.pipeline import WORKER_ENV

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _sha(result: Any) -> str:
    return hashlib.sha1(result.findings().to_csv().encode()).hexdigest()


def _setup() -> Any:
    return setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")


def _cut_and_resumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, at_start: str | None,
                     at_resume: str | None) -> Any:  # fmt: skip
    """A run stopped after a few checkpoints with ``$ASSAY_TEXT_RECHECK`` as ``at_start``,
    resumed with it as ``at_resume`` (None: unset)."""
    import assay.core.run as core_run

    def env(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
        else:
            monkeypatch.setenv("ASSAY_TEXT_RECHECK", value)

    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", 3)
        return orig(*a, **k)

    store = RunStore(tmp_path / "cut.db")
    env(at_start)
    monkeypatch.setattr("assay.text.phases.execute", cut)
    first = check_text(setup=_setup(), store=store, seed=3, max_queries=1500)
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    store.checkpoint(first.run_id, status="interrupted")
    env(at_resume)
    return resume_text(first.run_id, store=store)


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def test_the_variable_changes_the_findings_and_the_run_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    checked = check_text(setup=_setup(), store=tmp_path / "a.db", seed=3, max_queries=1500)
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    off = check_text(setup=_setup(), store=tmp_path / "b.db", seed=3, max_queries=1500)
    assert _sha(off) != _sha(checked)  # (so the rerun line must set it)
    config = RunStore(tmp_path / "b.db").get_run(off.run_id).config
    assert config["environment"] == {"ASSAY_TEXT_RECHECK": "0"}


def test_a_run_begun_with_the_checks_off_resumes_with_them_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    # the resumed session's loading asks nothing again (left28b: its 2 sentences came out
    # of the search's budget with the checks off, finding what a run of 1,498 found): it
    # finds what the run never stopped finds
    whole = check_text(setup=_setup(), store=tmp_path / "whole.db", seed=3, max_queries=1500)
    again = _cut_and_resumed(tmp_path, monkeypatch, at_start="0", at_resume=None)
    assert _sha(again) == _sha(whole)
    assert again.summary["model_queries"]["total"] <= 1500
    assert again.summary["determinism"]["off"] == "turned off (ASSAY_TEXT_RECHECK=0)"


def test_a_run_begun_with_the_checks_resumes_with_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    whole = check_text(setup=_setup(), store=tmp_path / "whole.db", seed=3, max_queries=1500)
    again = _cut_and_resumed(tmp_path, monkeypatch, at_start=None, at_resume="0")
    assert _sha(again) == _sha(whole)
    # the resumed session's loading asked nothing again (left28b; left25's took its 2
    # sentences from the re-check's reserve): the checks are the whole run's
    assert again.summary["determinism"] == whole.summary["determinism"]
