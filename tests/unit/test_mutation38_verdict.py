"""mutation38: a run NOTHING WAS TESTED exits 2 even with findings stored (they may be the
answers of a model stuck midway, not the model's: stuck37); one NOT EVERYTHING WAS TESTED
with findings exits 1, what it found failing it (VD1 in bench/RESULTS.md, mutation38's
table: under the mutant both exited 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.core.verdict import run_verdict


@pytest.mark.parametrize(
    ("reason", "code"), [("untested_reason", 2), ("incomplete_reason", 1), (None, 1)]
)
def test_findings_fail_a_run_unless_nothing_was_tested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str | None, code: int
) -> None:
    store = RunStore(str(tmp_path / "s.db"))
    try:
        store.create_run(
            run_id="r", technique="backdoor", seed=0, command="assay backdoor m.py:f",
            config={}, model={}, versions={},
        )  # fmt: skip
        summary = {"tested": 6, **({reason: "the model got stuck on one class"} if reason else {})}
        store.checkpoint("r", status="completed", summary=summary)
        monkeypatch.setattr(store, "count_at_or_above", lambda *_: 3)  # (three findings)
        assert run_verdict(store, "r").code == code
    finally:
        store.close()
