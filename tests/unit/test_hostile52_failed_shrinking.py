"""A classifier that fails while the search shrinks the disagreements its round found: the
run ends ``failed`` (exit 3) and keeps those disagreements, unshrunk, as its findings
(hostile52: "run ...: failed, 0 findings stored" beside "7 disagreements found in 55
queries", and "Findings made before the failure stay in the store": none did)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> C | C "and" S
C -> "the" N "was" D A
D -> "" | "very" | "quite" | "really"
N -> "food" | "pasta" | "service" | "room" | "wine" | "view"
A -> "good" | "great" | "fine" | "bad" | "awful" | "poor"
"""


def base(texts: list[str]) -> list[str]:
    return ["neg" if any(w in t for w in ("bad", "awful", "poor")) else "pos" for t in texts]


base.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


class BreaksAfterDisagreeing:
    """Answers as ``base`` but ``neg`` on pasta; from its second call after the first one in
    which it disagreed with ``base`` (the search's round), the shrinking's second batch, it
    raises (a GPU that ran out of memory)."""

    def __init__(self) -> None:
        self.classes_ = ["neg", "pos"]
        self.after = -1  # calls since the first disagreement (-1: none yet)

    def __call__(self, texts: list[str]) -> list[str]:
        if self.after >= 0:
            self.after += 1
            if self.after >= 2:
                raise RuntimeError("CUDA out of memory")
        out = ["neg" if "pasta" in t else b for t, b in zip(texts, base(texts), strict=True)]
        if self.after < 0 and out != base(texts):
            self.after = 0
        return out


def test_disagreements_found_before_the_classifier_fails_in_shrinking_are_kept(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    broken = BreaksAfterDisagreeing()
    with pytest.raises(assay.ModelError) as caught:
        assay.check_text(
            [base, broken],
            grammar=GRAMMAR,
            max_queries=400,
            seed=1,
            store=db,
            determinism_check=False,
        )
    assert "CUDA out of memory" in str(caught.value)
    with RunStore(db) as store:
        (record,) = store.list_runs()
        assert record.status == "failed"
        sentences = {str(s) for b in store.iter_batches(record.id) for row in b.inputs for s in row}
    assert sentences, "the disagreements found before the failure were lost"
    assert all("pasta" in s and base([s]) != ["neg"] for s in sentences), sentences
