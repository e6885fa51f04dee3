"""A text run froze the objects its rounds kept (``gc.freeze``) and, at its end, unfroze
*every* frozen object: a program that had frozen its own (a server's ``gc.freeze()`` before
forking workers) had them given back to the collector by assay (hostile27b's Left)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import assay
from assay.core.store import RunStore

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes


def _run(tmp_path: Path) -> None:
    assay.check_text(
        [
            text_fakes.Classifier(text_fakes.lexicon),
            text_fakes.Classifier(text_fakes.negation_blind),
        ],
        grammar="builtin:reviews",
        max_queries=300,
        seed=1,
        store=RunStore(tmp_path / "r.db"),
    )


def test_a_programs_own_frozen_objects_stay_frozen(tmp_path: Path) -> None:
    gc.unfreeze()
    kept = [[i] for i in range(1000)]  # the program's long-lived objects
    gc.freeze()
    before = gc.get_freeze_count()
    try:
        assert before >= len(kept)
        _run(tmp_path)
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()


def test_a_run_gives_back_what_it_froze(tmp_path: Path) -> None:
    gc.unfreeze()
    _run(tmp_path)
    assert gc.get_freeze_count() == 0
