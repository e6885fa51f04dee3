"""``--strategy neo`` (Neo as published, a baseline) on a model trojaned with a 3x3 trigger
said "0 of 40 images carry a confirmed trigger" with 20 of them poisoned, exit 0, and
nothing more: docs/backdoor.md says such a trigger "is missed silently", but a CI job that
chose the strategy read a pass.  A Neo scan that flagged nothing says what it cannot see."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.core.store import RunStore


def test_a_neo_scan_that_flagged_nothing_says_what_it_misses(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    neo = assay.check_backdoor("builtin:clean", strategy="neo", seed=0, store=store)
    assert "0 of 60 images carry a confirmed trigger" in neo.headline, neo.headline
    assert "2x2 blocker: a trigger larger than it" in neo.headline, neo.headline
    ours = assay.check_backdoor("builtin:clean", seed=0, store=store)
    assert "blocker" not in ours.headline, ours.headline
