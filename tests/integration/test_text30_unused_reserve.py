"""A text run under ``--max-queries`` that found nothing ended ``budget_exhausted`` having
asked fewer queries than its budget (1,432 of 1,500): the share kept from the search to
re-check findings went unasked, not a word why.  The headline now says how many went
unasked and why, once however many sessions the run took; the findings are unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import assay
from assay.core.store import RunStore


def blind(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s or "great" in s else "neg" for s in batch]


def also_blind(batch: Sequence[str]) -> list[str]:
    return ["neg" if "good" not in s and "great" not in s else "pos" for s in batch]


def aware(batch: Sequence[str]) -> list[str]:
    return ["pos" if ("good" in s or "great" in s) and "not" not in s else "neg" for s in batch]


def _headline(store: Path, run_id: str) -> tuple[str, dict[str, Any], str]:
    with RunStore(store, read_only=True) as s:
        record = s.get_run(run_id)
    return record.summary["headline"], record.summary["model_queries"], record.status


@pytest.mark.parametrize(("other", "words"), [(also_blind, "there were none"), (aware, "fewer")])
def test_the_headline_says_why_queries_went_unasked(tmp_path: Path, other: Any, words: str) -> None:
    store = tmp_path / "runs.db"
    r = assay.check_text(
        [blind, other], grammar="builtin:reviews", max_queries=1_500, seed=3, store=store
    )
    headline, asked, status = _headline(store, r.run_id)
    assert status == "budget_exhausted"
    left = 1_500 - asked["total"]
    assert left > 0, asked
    assert f"; {left:,} of --max-queries 1,500 went unasked" in headline, headline
    assert words in headline, headline


def test_the_note_is_said_once_after_a_resumed_finish(tmp_path: Path) -> None:
    seen: list[str] = []

    def stop_in_the_recheck(p: dict[str, Any]) -> None:
        seen.append(str(p.get("phase")))
        if p.get("phase") == "checks" and "search" in seen:
            raise KeyboardInterrupt

    store = tmp_path / "runs.db"
    models = [blind, also_blind]
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_text(
            models,
            grammar="builtin:reviews",
            max_queries=1_500,
            seed=3,
            store=store,
            on_progress=stop_in_the_recheck,
        )
    run_id = caught.value.run_id  # type: ignore[attr-defined]
    assay.resume_run(run_id, store=store, model=models)
    headline, asked, status = _headline(store, run_id)
    assert status == "budget_exhausted"
    assert headline.count("went unasked") == 1, headline
    assert f"{1_500 - asked['total']:,} of --max-queries" in headline, headline
