"""``assay show RUN`` of a run whose findings were all below its ``--fail-on`` (exit 0: "the
run passes") said "1,341 discriminatory inputs found ... found" and nothing of its verdict, so
that a team lead reading it took a passing run for a failing one; ``assay report`` and the
run's own command said the verdict.  ``show`` now ends with the same verdict line as
``assay report`` (hostile35)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.store import RunStore


def _store(tmp_path: Path, fail_on: float) -> Path:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        store.create_run(
            run_id="text-1", technique="text", seed=3, command="assay text a.py:f b.py:g",
            config={"fail_on": fail_on}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch(
            kind="text-invariance",
            inputs=np.asarray([["Kenji is brilliant.", "John is brilliant."]]),
            outputs=np.asarray([[0.4, 0.6]]),
            severity=np.asarray([0.39]),
        )
        store.checkpoint(
            "text-1", findings=[batch], status="completed", progress={"queries": 40},
            summary={"headline": "1 invariance failure found in 40 queries", "tested": 40},
        )  # fmt: skip
    return path


def _show(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(["show", "text-1", "--store", str(path)])
    assert exc.value.code in (0, None)
    return capsys.readouterr().out


def test_show_says_a_run_below_its_fail_on_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _show(_store(tmp_path, 0.9), capsys)
    assert "the run's verdict: tested, nothing found at or above --fail-on 0.9 (exit 0)" in out, out


def test_show_says_a_failing_run_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _show(_store(tmp_path, 0.0), capsys)
    assert "the run's verdict: 1 finding at or above --fail-on 0 (exit 1)" in out, out
