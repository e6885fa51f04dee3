"""A classifier slow on loading's probe (the 64 sentences a function answering labels by
name is asked, to learn its labels) stopped the call with "the model did not answer within
0.5 s (call_timeout); it may be hung": which of the classifiers, on what, and what to do for
one that is only slow went unsaid (hostile53)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" A
N -> "food" | "pasta" | "service" | "room"
A -> "good" | "great" | "bad" | "poor"
"""


def quick(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in t or "poor" in t else "pos" for t in batch]


def slow_on_many(batch: list[str]) -> list[str]:
    """Answers its first call (2 sentences) at once, a larger batch late."""
    if len(batch) > 2:
        time.sleep(1.5)
    return quick(batch)


def test_a_probe_timing_out_names_the_classifier_the_batch_and_the_keyword(
    tmp_path: Path,
) -> None:
    with pytest.raises(assay.ModelError) as caught:
        assay.check_text(
            [quick, slow_on_many],
            grammar=GRAMMAR,
            max_queries=200,
            seed=1,
            call_timeout=0.5,
            store=tmp_path / "r.db",
        )
    said = str(caught.value)
    assert "slow_on_many did not answer within 0.5 s (call_timeout)" in said, said
    assert "on a probe batch of " in said, said
    assert "give it a larger call_timeout" in said, said
    assert "--call-timeout" not in said, said
