"""An interrupted command exits 130, whatever the run's verdict (status39's Left 3): an
interrupt after the run's search had ended (while the fairness answer was computed, the
reports written) exited with the verdict: 1 with findings (``command_exit`` "assay resume
exited 1"), 2 without the answer, **0** for a run that had passed — so ``a && b`` went on
after a Ctrl-C, and a CI job stopped by its timeout read as a verdict.  The run's verdict
stays with the run (what ``assay report RUN`` exits with), said beside the 130."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assay.cli import leftover
from assay.cli.console import Output
from assay.cli.reporting import finish_interrupted
from assay.core.command_exit import exit_said
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.core.verdict import EXIT_INTERRUPTED


@pytest.fixture
def resuming() -> Iterator[None]:
    """This process runs ``assay resume``, which began on its run."""
    leftover.forget("resume")
    leftover.began()
    yield
    leftover.forget()


def _ended(path: Path, *, found: bool, answer: bool = False) -> None:
    """A run whose search completed, with one finding or none (``answer``: a fairness run
    whose answer was still to compute)."""
    store = RunStore(path)
    try:
        store.create_run(
            run_id="r1", technique="fairness", seed=1, command="assay fairness",
            config={"answer": {"enabled": True}} if answer else {}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch("idi", np.zeros((1, 2, 3)), np.zeros((1, 2, 1)), np.asarray([0.5]))
        store.checkpoint(
            "r1",
            findings=[batch] if found else [],
            status="completed",
            summary={"headline": "h", "tested": 10},
        )
    finally:
        store.close()


@pytest.mark.parametrize(
    ("found", "answer", "verdict"), [(True, False, 1), (False, False, 0), (False, True, 2)]
)
def test_an_interrupt_after_the_search_exits_130_and_says_the_verdict_beside(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    resuming: None,
    found: bool,
    answer: bool,
    verdict: int,
) -> None:
    _ended(tmp_path / "runs.db", found=found, answer=answer)
    code = finish_interrupted(Output(), store_path=tmp_path / "runs.db", run_id="r1")
    assert code == EXIT_INTERRUPTED  # main: 1, 0 (a pass after a Ctrl-C), 2
    said = " ".join(capsys.readouterr().err.split())
    assert f"the run's verdict is exit {verdict}, what assay report RUN exits with" in said
    assert "this command exits 130: it was interrupted" in said
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        config = store.get_run("r1").config
    assert config["command_exit"]["code"] == 130  # main: the verdict's
    line = exit_said(config, verdict) or ""
    assert line.startswith("assay resume exited 130 (interrupted)"), line
    assert f"the run's verdict as it is stored is exit {verdict}" in line


def test_the_json_result_says_the_commands_130_and_the_runs_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], resuming: None
) -> None:
    _ended(tmp_path / "runs.db", found=True)
    code = finish_interrupted(Output(as_json=True), store_path=tmp_path / "runs.db", run_id="r1")
    doc = json.loads(capsys.readouterr().out)
    assert code == doc["exit_code"] == EXIT_INTERRUPTED  # main: 1 and 1
    assert doc["verdict"].endswith("(exit 1)"), doc["verdict"]  # the run's own, unchanged
