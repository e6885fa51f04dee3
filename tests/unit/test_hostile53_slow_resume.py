"""A text run whose classifier did not answer a call within ``call_timeout``, raised into a
notebook, named the resume call without a longer deadline (hostile53): the command line's
resume line gives 4 times it (``--call-timeout 4`` of 1), the Python call said only
``assay.resume_run('RUN', store=...)``, which meets the same deadline again."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

import assay

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room" | "wine" | "soup"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "poor" | "fine" | "nice"
"""


def quick(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in t or "poor" in t else "pos" for t in batch]


CALLS = [0]


def slow_later(batch: list[str]) -> list[str]:
    """Quick to load (its two probe calls), slow on the search's batches."""
    CALLS[0] += 1
    if CALLS[0] > 2:
        time.sleep(1.2)
    return ["neg" if "bad" in t else "pos" for t in batch]


def test_the_resume_call_gives_a_longer_call_timeout(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    CALLS[0] = 0
    with pytest.raises(assay.ModelError) as caught:
        assay.check_text(
            [quick, slow_later],
            grammar=GRAMMAR,
            max_queries=100,
            seed=1,
            call_timeout=0.5,
            determinism_check=False,
            store=store,
        )
    said = str(caught.value)
    assert "did not answer within 0.5 s (call_timeout)" in said, said
    call = re.search(r"assay\.resume_run\('([^']+)', store='[^']+', call_timeout=(\d+)\)", said)
    assert call is not None, said
    assert call[2] == "2", said
