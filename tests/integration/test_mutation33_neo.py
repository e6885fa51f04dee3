"""A Neo scan that flagged images says no caveat of a trigger missed silently
(bench/RESULTS.md, mutation33's table: mutant NEO2, the caveat said whatever was flagged,
survived ``test_hostile32_neo_caveat.py``, whose scan flags nothing)."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.core.store import RunStore


def test_a_neo_scan_that_flagged_images_says_no_caveat(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    neo = assay.check_backdoor("builtin:trojan", strategy="neo", blocker=4, seed=0, store=store)
    assert neo.n_findings > 0, neo.headline
    assert "blocker" not in neo.headline, neo.headline
