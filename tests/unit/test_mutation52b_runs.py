"""A classifier failing while a round's disagreements are shrunk (hostile52's
``Engine._shrink_rows`` path), under each way of shrinking: the walk's lazy waves and a
strategy shrinking a round at once (``random``): the disagreements found are kept, the
classifier is not asked again once it failed, and the summary says they were not fully shrunk
(mutation52b: the X mutants surviving main's test, which runs the walk only)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore

from test_hostile52_failed_shrinking import GRAMMAR, BreaksAfterDisagreeing, base  # isort: skip

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


class Breaks(BreaksAfterDisagreeing):
    """hostile52's classifier (``neg`` on pasta, raising from its second call after the first
    in which it disagreed with ``base``), raising from its ``at``-th call; each call and
    failure written to ``log`` (the classifier may be asked from another process)."""

    def __init__(self, log: Path, at: int) -> None:
        super().__init__()
        self.at = at
        self.log = str(log)

    def _note(self, what: str) -> None:
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(what + "\n")

    def __call__(self, texts: list[str]) -> list[str]:
        self._note("call")
        try:
            out = super().__call__(texts)
        except RuntimeError:
            self._note("raised")
            raise
        if self.after == 0:  # (the disagreeing call: counted on from 2 - at)
            self.after = 2 - self.at
        return out


@pytest.mark.parametrize(("strategy", "at"), [("walk", 2), ("random", 1)])
def test_a_failure_in_shrinking_keeps_the_disagreements_and_asks_no_more(
    tmp_path: Path, strategy: str, at: int
) -> None:
    log = tmp_path / "calls.log"
    with pytest.raises(assay.ModelError, match="CUDA out of memory"):
        assay.check_text(
            [base, Breaks(log, at)],
            grammar=GRAMMAR,
            max_queries=400,
            seed=1,
            store=tmp_path / "s.db",
            determinism_check=False,
            strategy=strategy,
        )
    calls = log.read_text(encoding="utf-8").split()
    assert calls.count("raised") == 1, calls  # (not asked again once it failed)
    with RunStore(tmp_path / "s.db") as store:
        (record,) = store.list_runs()
        sentences = {str(s) for b in store.iter_batches(record.id) for row in b.inputs for s in row}
    assert record.status == "failed"
    assert "were not fully shrunk" in str(record.summary)
    assert sentences and all("pasta" in s for s in sentences), sentences


STILL = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room" | "wine"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "fine" | "poor" | "nice"
%directional neg: "" -> "not" not-up pos
"""


def constant(texts: list[str]) -> list[list[float]]:
    return [[0.3, 0.7] for _ in texts]


constant.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_directional_test_alone_that_no_answer_moved_is_not_tested_in_its_table(
    tmp_path: Path,
) -> None:
    """Alone, the run says NOTHING WAS TESTED; its Tests table said "no failure in every
    case" with a bound on the failure rate (9.6 %), as though the test had been passed."""
    result = assay.check_text(
        constant,
        grammar=STILL,
        oracle="directional",
        max_queries=300,
        seed=1,
        store=tmp_path / "s.db",
    )
    assert not result.passed
    assert "NOTHING WAS TESTED" in str(result.headline)
    (row,) = result.summary["sections"][0]["table"]["rows"]
    assert row[-1] == "not tested" and row[-2] is None, row
