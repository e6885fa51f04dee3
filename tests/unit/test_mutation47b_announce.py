"""mutation47b: ``announce`` (a command's ``on_start``) makes the run the command's: the
exit code the command ends with is the run's (``leftover.began``) and, until it keeps one,
the store says the command began on it and has not ended (``command_exit.begun``: still
running, or killed).  RP1 (``announce`` calling ``leftover.started`` alone) left a run killed
mid-search saying an earlier command's code, and its command's own exit never kept; main's
integration tests of a killed run were its only readers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.console import Output
from assay.cli.reporting import announce
from assay.core.command_exit import unended
from assay.core.store import RunStore


@pytest.fixture(autouse=True)
def _no_command_after() -> Iterator[None]:
    yield
    leftover.forget()


def _made(path: Path) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="fairness-1", technique="fairness", seed=0, command="assay fairness",
            config={}, model={}, versions={},
        )  # fmt: skip


def test_a_commands_run_is_the_commands_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _made(path)
    leftover.forget("fairness")  # (what the CLI does as the command starts)
    announce(Output(quiet=True), path, {})("fairness-1", 0, "assay fairness")
    assert leftover.current() == ("fairness-1", path)
    assert leftover.running_command() == "fairness"
    with RunStore(path) as store:
        assert unended(store.get_run("fairness-1").config) == "fairness"


def test_outside_a_command_the_run_is_no_commands(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _made(path)
    leftover.forget()
    announce(Output(quiet=True), path, {})("fairness-1", 0, "assay fairness")
    assert leftover.running_command() is None
    with RunStore(path) as store:
        assert unended(store.get_run("fairness-1").config) is None
