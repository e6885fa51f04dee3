"""left43m: an invariance class's failing sentence set counted once across a resume.

left42t keys a minimal invariance failure by its sentences in any order (``engine._pairs``:
the pair found from "really great" is the one found from "really good"); a resumed run
rebuilds those pairs from its stored findings (``engine_state``).  mutation43's IV11 (the
pairs not rebuilt: every stored finding's relation taken as none) passed every test: none
resumed an invariance run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text, resume_text
from assay.text.pipeline import WORKER_ENV

HERE = Path(__file__).resolve()


def great_is_neg(batch: Sequence[str]) -> list[str]:
    return ["neg" if "great" in s or "bad" in s else "pos" for s in batch]


great_is_neg.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]

SUBJECTS = ["food", "pasta", "service", "soup", "bread", "wine", "staff", "room"]
GRAMMAR = (
    's -> subj "was" adv q "."\nadv -> "" | "really" | "truly" | "very"\n'
    + "subj -> "
    + " | ".join(f'"the {s}"' for s in SUBJECTS)
    + '\nq -> "good" | "great" | "bad"\n%invariant q: "good" | "great"\n'
)


def _sets(result: Any) -> list[frozenset[str]]:
    rows = result.findings()
    return [frozenset(x) for x in zip(rows["sentence"], rows["variant"], strict=True)]


def test_a_resumed_run_counts_a_pair_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopped after its first checkpoint: the eight pairs found from "good" (one per
    subject), the cases begun from "really great" and the like shrunk after the resume, to
    the same pairs from the other end: eight findings (IV11: sixteen and more)."""
    import assay.core.run as core_run

    monkeypatch.setenv(WORKER_ENV, "inline")
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0")
    orig = core_run.execute

    def stopping(*a: Any, **k: Any) -> Any:
        k.setdefault("stop_after_checkpoints", 1)
        return orig(*a, **k)

    store = RunStore(tmp_path / "s.db")
    monkeypatch.setattr("assay.text.phases.execute", stopping)
    first = check_text(
        f"{HERE}:great_is_neg", grammar=GRAMMAR, oracle="invariance", max_queries=300,
        seed=2, store=store,
    )  # fmt: skip
    monkeypatch.setattr("assay.text.phases.execute", orig)
    assert first.status == "interrupted", first.status
    resumed = resume_text(first.run_id, store=store)
    sets = _sets(resumed)
    assert len(sets) == len(set(sets)), sets
    assert first.n_findings == 8 and resumed.n_findings == 8, resumed.headline


def all_pos(batch: Sequence[str]) -> list[str]:
    return ["pos" for _ in batch]


all_pos.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]

TWO_EXPECTATIONS = (
    's -> "the film was" adj "."\nadj -> "good" | "great" | "bad"\n'
    '%invariant adj: "good" | "great"\n'
    '%expect adj: "bad" -> neg\n'
    '%expect adj: "bad" -> not pos\n'
)


def test_two_expectations_of_one_sentence_are_both_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ``%expect`` lines about "the film was bad.": its case is one sentence for each, a
    key of its own per test (IV14: the sentence alone, the second expectation never judged:
    its failure lost)."""
    monkeypatch.setenv(WORKER_ENV, "inline")
    result = check_text(
        f"{HERE}:all_pos", grammar=TWO_EXPECTATIONS, oracle="suite", max_queries=200, seed=0,
        store=RunStore(tmp_path / "s.db"),
    )  # fmt: skip
    tests = {t["test"]: t for t in result.summary["text"]["tests"]}
    failing = {name.split(": ", 1)[1]: t["failing"] for name, t in tests.items()}
    assert failing == {
        '%invariant adj: "good" | "great"': 0,
        '%expect adj: "bad" -> neg': 1,
        '%expect adj: "bad" -> not pos': 1,
    }, tests
