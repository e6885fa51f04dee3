"""A run whose search ended with parts still to come stays its process's (ops47), read in
one process (mutation48): its answer missing, or parts marked to follow (``core.unfinished``),
keep it claimed and its lock held, so that another process's resume or delete is refused; a
run ended with nothing to add lets go at once.  ops47's test reaches one of the two cases
through a whole run and a second process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assay.core.answer_missing import ANSWER_MISSING
from assay.core.runlock import holder
from assay.core.store import RunStore
from assay.core.unfinished import KEY


@pytest.mark.parametrize(
    ("summary", "follows"),
    [
        ({KEY: ["determinism"]}, True),
        ({"incomplete_reason": ANSWER_MISSING}, True),
        ({"incomplete_reason": "the time budget ran out"}, False),
        ({}, False),
    ],
)
def test_an_ended_run_with_parts_to_come_stays_held(
    tmp_path: Path, summary: dict[str, Any], follows: bool
) -> None:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="r", technique="fairness", seed=0, command="assay fairness m.py",
            config={}, model={}, versions={},
        )  # fmt: skip
        store.checkpoint("r", status="running", progress={}, summary={})
        store.checkpoint("r", status="completed", progress={}, summary=summary)
        assert store.claimed("r") == follows
        assert (holder(path, "r") is not None) == follows
    assert holder(path, "r") is None  # (let go once the store closes)
