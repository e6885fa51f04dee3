"""mutation49: a backdoor run's reading of a torch module's class scores
(``backdoor.torch_scores``, left48b2), and a skipped source-class check never "undecided"."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from assay.backdoor.source_class import undecided
from assay.backdoor.torch_scores import note_scores_read, read_torch_scores
from assay.core.store import RunStore
from assay.errors import UsageError

from test_left48b_source_undecided import _run, _trojan  # isort: skip


def _module(table: list[list[float]]) -> Any:
    """A model whose torch module answered ``table`` to loading's first clean images."""
    answer = np.asarray(table, dtype=np.float64)
    inner = SimpleNamespace(raw_scores=lambda x: answer, probe_answer=(answer, answer))
    return SimpleNamespace(inner=inner)


def test_one_image_beyond_any_logit_is_refused() -> None:
    # (TS2, TS3) one image of three answering beyond +-100, above or below: refused
    for far in (250.0, -250.0):
        with pytest.raises(UsageError, match="for image 1 of --clean"):
            read_torch_scores(_module([[0.2, 1.3], [far, 1.0], [0.4, 0.1]]), declared=False)
    assert read_torch_scores(_module([[0.2, 1.3], [250.0, 1.0]]), declared=True) is not None


def test_numbers_outside_zero_to_one_are_read_as_logits_and_said() -> None:
    # (TS5) all positive but above 1, or below 0 but under 1: logits, said
    for table in ([[0.5, 3.0], [0.2, 0.1]], [[-0.5, 0.8], [0.2, 0.1]]):
        said = read_torch_scores(_module(table), declared=False)
        assert said is not None and "read as a classifier's logits" in said, table
    assert read_torch_scores(_module([[0.5, 0.5], [0.2, 0.8]]), declared=False) is None


def test_the_note_is_kept_once_and_only_when_there_is_one(tmp_path: Path) -> None:
    # (TS7, TS8) a resume reading logits again adds no second note; no note: nothing
    with RunStore(tmp_path / "runs.db") as store:
        store.create_run(
            run_id="r-1", technique="backdoor", seed=0, command="c", config={}, model={},
            versions={},
        )  # fmt: skip
        store.checkpoint("r-1", summary={"images": 3})
        note_scores_read(store, "r-1", None)
        assert "notes" not in (store.get_run("r-1").summary or {})
        note_scores_read(store, "r-1", "read as logits")
        note_scores_read(store, "r-1", "read as logits")
        assert (store.get_run("r-1").summary or {})["notes"] == ["read as logits"]


def test_a_source_class_check_the_budget_skipped_is_not_undecided() -> None:
    # (SC1) the check not asked (the budget): "not asked" says so, never "undecided"
    record = _run(_trojan, 14, 1)
    assert undecided(record) is not None
    assert undecided({**record, "skipped": "the query budget left no room for it"}) is None


def test_odds_at_the_line_are_undecided() -> None:
    # (SC8) a group whose odds are the line itself is not beyond it: undecided, not a pass
    from assay.backdoor.source_class import CONTROLS, FRESH
    from assay.backdoor.strip import STRIP_ODDS

    row = {
        "sent": FRESH - 5, "fresh": FRESH - 5, "controls": [2] * CONTROLS, "odds": STRIP_ODDS,
        "rule_odds": 0.0, "source": 3, "class": 7, "box": [0, 0, 3, 3], "images": 4,
    }  # fmt: skip
    assert undecided({"groups": [row]}) is not None
    assert undecided({"groups": [{**row, "odds": STRIP_ODDS * 0.99}]}) is None
