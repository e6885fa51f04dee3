"""The determinism checks of a text run (``text.recheck``) count within ``--max-queries``: a
user paying per sentence is owed a bound that holds.  Every sentence the classifiers are
asked during the run (the search's and the checks') is counted here at the panel; the checks
say what they cost in the summary; ``--no-determinism-check`` (``determinism_check=False``)
leaves them out and gives the search the whole budget."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.text.api import check_text, resume_text, setup_text
from assay.text.loading import LOADING_PROBE
from assay.text.pipeline import WORKER_ENV
from assay.text.recheck import PROBE, SAMPLE, plan

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every sentence the run's classifiers are asked (inline: seen in this process)."""
    from assay.text import panel as text_panel

    seen: list[str] = []
    orig = text_panel.Panel.predict

    def spy(self: Any, inputs: Any) -> Any:
        seen.extend(inputs)
        return orig(self, inputs)

    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.delenv("ASSAY_TEXT_RECHECK", raising=False)
    monkeypatch.setattr(text_panel.Panel, "predict", spy)
    return seen


def _run(tmp_path: Path, name: str, **kw: Any) -> Any:
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    return check_text(setup=setup, store=tmp_path / f"{name}.db", seed=kw.pop("seed", 3), **kw)


def _sha(result: Any) -> str:
    return hashlib.sha1(result.findings().to_csv().encode()).hexdigest()


def test_the_plan_keeps_a_tenth_at_most_and_the_full_checks_from_1280() -> None:
    assert plan(None).kept == 0 and plan(None).probe == PROBE
    big = plan(20_000)
    assert (big.probe, big.reserve, big.kept) == (PROBE, SAMPLE, 2 * PROBE + SAMPLE)
    assert plan(1280).kept == 128
    for q in (1, 10, 39, 40, 100, 300, 1000, 1279):
        p = plan(q)
        assert p.kept <= q // 10 and p.search_budget() == q - p.kept
    assert plan(39).probe == 0 and plan(40).probe == 1
    assert plan(100, units=95).search_budget() == 95  # each unit keeps a query


@pytest.mark.parametrize("budget", [100, 300, 2000])
def test_the_checks_count_within_the_query_budget(
    tmp_path: Path, sent: list[str], budget: int
) -> None:
    r = _run(tmp_path, f"b{budget}", max_queries=budget)
    det = r.summary["determinism"]
    # the bound holds for every sentence asked, and the summary says what the checks cost
    assert len(sent) <= budget
    assert len(sent) == r.progress["queries"] + det["queries"]
    assert det["within_budget"] is True
    assert det["probe"]["sentences"] == plan(budget).probe > 0
    assert det["probe"]["queries"] == 2 * det["probe"]["sentences"]
    # (the second round in two calls: core.asked_apart)
    assert det["probe"]["calls"] == 3 and det["calls"] == 3 + (1 if det.get("sampled") else 0)
    # loading asked each classifier 2 sentences (a callable's probe), within the budget too
    loading = r.summary["model_queries"]["loading"]
    assert loading == LOADING_PROBE and len(sent) + loading <= budget
    limit = plan(budget, loading=loading).recheck_limit(r.progress["queries"])
    assert r.n_findings > 0 and det["sampled"] == min(len(r.findings()), limit) > 0
    assert r.summary["metrics"]["queries asked by the determinism checks"] == det["queries"]
    section = next(s for s in r.summary["sections"] if s["title"] == "Determinism")
    assert f"within the query budget of {budget:,}" in section["text"]


def test_a_budget_too_small_for_the_probe_says_so(tmp_path: Path, sent: list[str]) -> None:
    r = _run(tmp_path, "tiny", max_queries=30)
    det = r.summary["determinism"]
    assert len(sent) <= 30
    assert "too small" in det["probe"]["skipped"] and det["probe"]["queries"] == 0


def test_turned_off_the_search_has_the_whole_budget_and_finds_as_without_checks(
    tmp_path: Path, sent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    off = _run(tmp_path, "off", max_queries=1500, determinism_check=False)
    assert len(sent) == off.progress["queries"] == 1500 - LOADING_PROBE  # loading's within
    assert off.summary["determinism"] == {
        "off": "turned off (--no-determinism-check)",
        "queries": 0,
        "calls": 0,
    }
    assert "determinism_check=False" in off.command
    monkeypatch.setenv("ASSAY_TEXT_RECHECK", "0")
    env = _run(tmp_path, "env", max_queries=1500)
    assert _sha(env) == _sha(off) and env.n_findings == off.n_findings > 0


def test_a_resumed_run_keeps_the_bound_and_finds_as_an_uninterrupted_one(
    tmp_path: Path, sent: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _run(tmp_path, "whole", max_queries=1500)
    sent.clear()
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    store = RunStore(tmp_path / "cut.db")
    setup = setup_text([f"{FAKES}:lexicon", f"{FAKES}:negation_blind"], grammar="builtin:reviews")
    # stop the first session after a few checkpoints, as a kill would leave it
    import assay.core.run as core_run

    orig = core_run.execute

    def cut(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", 3)
        return orig(*a, **k)

    monkeypatch.setattr(core_run, "execute", cut)
    monkeypatch.setattr("assay.text.phases.execute", cut)
    first = check_text(setup=setup, store=store, seed=3, max_queries=1500)
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status not in ("completed", "budget_exhausted"), first.status
    store.checkpoint(first.run_id, status="interrupted")
    again = resume_text(first.run_id, store=store)
    assert len(sent) <= 1500
    assert _sha(again) == _sha(whole)
    # the first session's check, reported as made: the same figures as the whole run's (the
    # resumed session's loading asks nothing again, left28b; its 2 sentences came out of the
    # re-check's reserve before: 126)
    resumed, checked = again.summary["determinism"], whole.summary["determinism"]
    assert (resumed["sampled"], resumed["queries"]) == (checked["sampled"], 128)
    assert resumed["probe"] == checked["probe"]
    assert again.summary["metrics"]["queries asked by the determinism checks"] == 128
    assert again.summary["model_queries"]["total"] <= 1500


def test_the_command_line_turns_the_checks_off(tmp_path: Path, sent: list[str]) -> None:
    store = tmp_path / "cli.db"
    got = CliRunner().invoke(
        app,
        [
            "text", f"{FAKES}:lexicon", f"{FAKES}:negation_blind", "--grammar",
            "builtin:reviews", "--max-queries", "400", "--seed", "1", "--store", str(store),
            "--no-determinism-check",
        ],
    )  # fmt: skip
    assert got.exit_code == 1, got.output
    assert len(sent) == 400 - LOADING_PROBE  # loading's 2 within the budget
    s = RunStore(store)
    record = s.get_run(s.list_runs()[0].id)
    assert record.summary["determinism"]["off"] == "turned off (--no-determinism-check)"
    assert "--no-determinism-check" in record.command


def test_the_command_line_says_what_the_checks_cost(tmp_path: Path, sent: list[str]) -> None:
    got = CliRunner().invoke(
        app,
        [
            "text", f"{FAKES}:lexicon", f"{FAKES}:negation_blind", "--grammar",
            "builtin:reviews", "--max-queries", "100", "--seed", "1", "--store",
            str(tmp_path / "c.db"),
        ],
    )  # fmt: skip
    assert got.exit_code == 1, got.output
    p = plan(100, loading=LOADING_PROBE)
    said = f"determinism checks: {len(sent) - 88} queries in 4 calls (within --max-queries)"
    assert len(sent) <= 98 and p.search_budget() == 88 and said in got.output, got.output


def test_units_share_what_the_checks_leave(tmp_path: Path, sent: list[str]) -> None:
    r = _run(tmp_path, "units", max_queries=300, units=3)
    det = r.summary["determinism"]
    assert len(sent) <= 300 and det["within_budget"] is True
    assert len(sent) == r.progress["queries"] + det["queries"]
    assert r.progress["queries"] <= plan(300, units=3).search_budget() == 270
