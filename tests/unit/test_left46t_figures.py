"""The leftovers of audit46t's audit of ``assay text``'s figures (left46t): a replay that
withdrew noise left the errors and their rates counting it (342 errors, 123.3 per 1,000
queries, 89 of 149 minimal sentences withdrawn); the headline's "found in N queries" was the
search's beside the run's "queries asked: ... in all"; the exhaustive warning compared the
whole budget and said the first symbols "never change"; a campaign's chance mark read its
added counts as distinct cases; a demonstration's exit-0 line beside NOT EVERYTHING WAS
TESTED read as a second verdict."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.core.verdict import run_verdict, verdict_line
from assay.text.grammar import parse_grammar
from assay.text.strategies import exhaustive_reach
from assay.text.summary import lift_table

ERRORS = "errors found (distinct failing sentences)"
# 4,950 sentences, some of two clauses (audit46t's g2.cfg)
GRAMMAR = """S -> subj verb adj tail
subj -> "the food" | "the service" | "the staff" | "the room" | "the view"
verb -> "was" | "was not" | "seemed" | "was really" | "was never"
adj -> "good" | "bad" | "great" | "awful" | "fine" | "nice"
tail -> "" | "today" | "again" | "," "but" subj "was" adj
"""
POS = {"good", "great", "fine", "nice"}


def _a(s: str) -> str:
    w = s.replace(",", " ,").split()
    first = w[: w.index(",")] if "," in w else w
    adj = [x for x in first if x in POS or x in {"bad", "awful"}][-1]
    return "pos" if (adj in POS) != ("not" in first or "never" in first) else "neg"


def _pair() -> list[Any]:
    """``a``, and ``b``: ``a`` but for "not ... good" (a real disagreement) and noise, a
    sentence of "staff" and "great" answered the other way the first time it is asked
    (deterministic for a seed, withdrawn by the replay)."""
    seen: set[str] = set()

    def a(batch: Sequence[str]) -> list[str]:
        return [_a(s) for s in batch]

    def b(batch: Sequence[str]) -> list[str]:
        out = []
        for s in batch:
            label = "pos" if {"not", "good"} <= set(s.split()) else _a(s)
            if "staff" in s and "great" in s and s not in seen:
                label = "neg" if label == "pos" else "pos"
            seen.add(s)
            out.append(label)
        return out

    for f in (a, b):
        f.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    return [a, b]


@pytest.fixture(scope="module")
def noisy(tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = tmp_path_factory.mktemp("left46t") / "r.db"
    return assay.check_text(
        _pair(), names=["a", "b"], grammar=GRAMMAR, max_queries=1500, seed=1, store=store
    )


def test_the_errors_and_their_rates_count_the_findings_that_held(noisy: Any) -> None:
    summary = noisy.summary
    metrics, replayed = summary["metrics"], summary["determinism"]["replayed"]
    assert replayed["withdrawn"] > 0, replayed  # (the noise was withdrawn)
    held = summary["text"]["minimal"]
    assert len(held) == summary["text"]["distinct_minimal"]  # (every one listed: exact)
    counted = sum(int(r["count"]) for r in held)
    # main: every failing sentence the search saw, the noise's too (535 beside 160)
    assert metrics[ERRORS] == counted, (metrics[ERRORS], counted)
    before = metrics["errors found by the search (before the replay)"]
    assert before > metrics[ERRORS]
    total = summary["model_queries"]["total"]
    assert metrics["errors per 1,000 queries"] == round(1000 * counted / total, 6)
    search = summary["model_queries"]["search"]
    per_search = metrics["errors per 1,000 queries of the search phase only"]
    assert per_search == pytest.approx(1000 * counted / search, rel=1e-5)
    seconds = metrics["wall-clock seconds"]
    assert metrics["errors per second"] == pytest.approx(counted / seconds, rel=1e-3)
    said = next(s["text"] for s in summary["sections"] if s["title"] == "Findings asked again")
    assert (
        f"errors found: at least {counted:,} (" in said
        and f"the search's {before:,} before" in said
    )


def test_the_headline_says_its_queries_are_the_searchs(noisy: Any) -> None:
    search = noisy.summary["model_queries"]["search"]
    total = noisy.summary["model_queries"]["total"]
    assert total > search  # (the checks and loading asked theirs too)
    # main: "535 disagreements found in 1,142 queries" beside "1,411 in all"
    assert f"found in {search:,} queries of the search (" in noisy.headline, noisy.headline


def _square() -> Any:
    return parse_grammar(
        "S -> a b\na -> " + " | ".join(f'"a{i}"' for i in range(100))
        + "\nb -> " + " | ".join(f'"b{i}"' for i in range(100)) + "\n"
    )  # fmt: skip


def test_the_exhaustive_warning_compares_the_searchs_share_and_says_what_is_true() -> None:
    g = _square()
    # 2,000 of 10,000 changes the first symbol 20 times: main said it "never" changes
    said = str(exhaustive_reach(g, 24, 2_000))
    assert "never change" not in said and "in which the first symbols vary least" in said, said
    # a budget of every derivation whose search gets fewer of them: main said nothing
    said = str(exhaustive_reach(g, 24, 10_000, search=9_000))
    assert "--max-queries 10,000 leaves the search 9,000 queries" in said, said
    assert "at most the first 90.0% of them" in said, said
    assert exhaustive_reach(g, 24, 10_000, search=10_000) is None


def test_a_runs_exhaustive_warning_counts_loading_and_the_checks() -> None:
    from assay.text.api import exhaustive_warning, setup_text

    setup = setup_text(
        _pair(), names=["a", "b"], grammar=GRAMMAR, strategy="exhaustive", max_queries=4950
    )
    said = exhaustive_warning(setup, 4950)
    assert said is not None and "leaves the search" in said, said
    # the checks off, loading's queries alone come out of it
    alone = exhaustive_warning(setup, 4950, checks=False)
    assert alone is not None and f"{4950 - setup.loading_queries:,} queries" in alone, alone
    assert exhaustive_warning(setup, 20_000) is None


def _engine(units: int, repeated: int | None) -> Any:
    grammar = SimpleNamespace(n_productions=0)
    return SimpleNamespace(
        errors=500, cases=1000, g=grammar, words={"w": [40, 28]}, units=units, repeated=repeated
    )


def test_a_campaigns_chance_mark_reads_its_added_counts_as_the_fewest_errors() -> None:
    # 28 errors in 40 cases at a 50 % rate: 1 in 120 by chance, read as distinct cases;
    # added over two units they may be 14 of 20 counted twice: 1 in 17 (main: not chance)
    (row,) = lift_table(_engine(2, None))["words"]
    assert row["possibly chance"] and row["lift"] == 1.4, row
    (row,) = lift_table(_engine(2, 0))["words"]  # (no error repeated: the counts are cases)
    assert not row["possibly chance"], row
    (row,) = lift_table(_engine(1, None))["words"]
    assert not row["possibly chance"], row


def test_a_units_runs_lift_tables_say_how_chance_is_judged(tmp_path: Path) -> None:
    result = assay.check_text(
        _pair(), names=["a", "b"], grammar=GRAMMAR, max_queries=1200, seed=2, units=2,
        store=tmp_path / "u.db", determinism_check=False,
    )  # fmt: skip
    counts = result.summary["text"]["lift"]["counts"]
    assert "the fewest distinct errors" in counts, counts


def _demo_store(tmp_path: Path) -> Path:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="fairness-1", technique="fairness", seed=0, command="assay demo",
            config={"demonstration": True}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="fairness-idi",
            inputs=np.asarray([[1.0, 0.0]]),
            outputs=np.asarray([[0.0, 1.0]]),
            severity=np.asarray([1.0]),
        )
        store.checkpoint(
            "fairness-1", findings=[batch], status="budget_exhausted", progress={},
            summary={"headline": "1 found", "incomplete_reason": "the answer was not computed"},
        )  # fmt: skip
    return path


def test_a_demonstrations_exit_0_beside_not_everything_tested_says_both(tmp_path: Path) -> None:
    with RunStore(_demo_store(tmp_path)) as store:
        verdict = run_verdict(store, "fairness-1")
    assert verdict.demo and verdict.code == 0  # (README: a demonstration's findings exit 0)
    line = verdict_line(verdict, "budget_exhausted")
    # main: "the demonstration found the bugs it demonstrates (exit 0)" alone
    assert line.startswith("the demonstration found the bugs it demonstrates (exit 0), though "
                           "not everything was tested (said above)"), line  # fmt: skip
