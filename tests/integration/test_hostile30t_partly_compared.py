"""A differential run whose label map leaves a label without a counterpart (a three-class
classifier's ``neutral`` against a two-class one) compares only the sentences on which no
classifier answered it.  When it answered ``neutral`` to 6 of the grammar's 7 sentences, the
run said "no disagreement found in 7 queries ...; every one of the grammar's 7 sentences was
tested" (exit 0, a passing JUnit case) though one sentence was compared: the headline now
says how many of the sentences judged could be compared, and never that the grammar was
tested."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assay.core.store import RunStore
from assay.text.api import check_text

GRAMMAR = (
    'S -> "the match was" A\n'
    'A -> "tennis" | "football" | "golf" | "chess" | "polo" | "rugby" | "darts"\n'
)
MAP = {0: {"neg": "neg", "pos": "pos"}, 1: {"neg": "neg", "pos": "pos"}}


def three(batch: Sequence[str]) -> list[str]:
    return ["pos" if "tennis" in s else "neutral" for s in batch]


three.classes_ = ["neg", "neutral", "pos"]  # type: ignore[attr-defined]


def two(batch: Sequence[str]) -> list[str]:
    return ["neg" if "football" in s else "pos" for s in batch]


two.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_run_that_compared_one_sentence_of_seven_says_so(tmp_path: Path) -> None:
    r = check_text(
        [three, two], grammar=GRAMMAR, label_map=MAP, max_queries=300, seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert r.n_findings == 0
    assert "only 1 of the 7 sentences judged could be compared" in r.headline, r.headline
    assert "neutral" in r.headline
    assert "was tested" not in r.headline, r.headline
    assert r.summary["metrics"]["sentences judged that could be compared"] == 1


def test_a_run_that_compared_every_sentence_says_nothing_more(tmp_path: Path) -> None:
    r = check_text(
        [two, lambda b: ["pos" for _ in b]], grammar=GRAMMAR, max_queries=300, seed=1,
        store=RunStore(tmp_path / "runs.db"), names=["two", "always"],
    )  # fmt: skip
    assert "could be compared" not in r.headline, r.headline


BIG = (
    'S -> "the" T "match" W "was" A\nT -> "first" | "second" | "third" | "last" | "final"\n'
    'W -> "today" | "yesterday" | "at noon" | "tonight"\n'
    'A -> "tennis" | "football" | "golf" | "chess" | "polo" | "rugby" | "darts"\n'
)


def test_the_counts_survive_a_stop_and_resume(tmp_path: Path) -> None:
    from assay.api import resume_run

    class After:  # set after the search's first steps: the run stops at a checkpoint
        def __init__(self) -> None:
            self.n = 0

        def is_set(self) -> bool:
            self.n += 1
            return self.n > 3

    store = RunStore(tmp_path / "runs.db")
    first = check_text(
        [three, two], grammar=BIG, label_map=MAP, max_queries=400, seed=2,
        store=store, stop=After(), determinism_check=False,
    )  # fmt: skip
    assert first.status == "interrupted", first.headline
    whole = check_text(
        [three, two], grammar=BIG, label_map=MAP, max_queries=400, seed=2,
        store=store, determinism_check=False,
    )  # fmt: skip
    resumed = resume_run(first.run_id, store=store, model=[three, two])
    said = whole.summary["metrics"]["sentences judged that could be compared"]
    assert resumed.summary["metrics"]["sentences judged that could be compared"] == said


def test_a_sentence_judged_again_while_shrinking_is_counted_once(tmp_path: Path) -> None:
    swapped = {0: {"neg": "pos", "pos": "neg"}, 1: {"neg": "neg", "pos": "pos"}}
    r = check_text(
        [three, two], grammar=GRAMMAR, label_map=swapped, max_queries=300, seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert r.n_findings == 1, r.headline  # ("tennis": pos as neg, against pos)
    assert r.headline.startswith("1 disagreement found in"), r.headline
    one = check_text(
        [three, two], grammar='S -> "the tennis match"\n', label_map=swapped, max_queries=300,
        seed=1, store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert " found in 1 query " in one.headline, one.headline
    assert "the grammar's one sentence was tested" in one.headline, one.headline
    assert "of the 7 sentences judged" in r.headline, r.headline  # (it was "of the 8")
