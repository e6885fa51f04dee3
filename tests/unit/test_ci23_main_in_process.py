"""``main(ARGS)`` run many times in one process (a notebook, a test suite) stays as quick as
the first and leaves nothing behind: the commands are registered once, not again with every
call (typer keeps a list, and each call built every command in it: 0.15 s of CPU for the 2nd
call, 1.4 s for the 25th), and what a call left is not frozen out of the collector's reach
(that is for the end of ``assay``'s own process: ~0.9 MB kept per small backdoor run)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from assay.cli.app import app, main, register
from assay.core.store import RunStore


def test_registering_again_adds_no_command() -> None:
    register()
    before = len(app.registered_commands)
    register()
    register()
    assert len(app.registered_commands) == before


def test_each_run_of_main_leaves_the_commands_as_they_were(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen = []
    for _ in range(3):
        with pytest.raises(SystemExit):
            main(["runs", "--help"])
        seen.append(len(app.registered_commands))
    capsys.readouterr()
    assert seen[0] > 0 and seen == [seen[0]] * 3, seen


def test_main_inside_another_program_freezes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    RunStore(tmp_path / "runs.db").close()  # (an empty store: `runs` lists nothing, exit 0)
    before = gc.get_freeze_count()
    with pytest.raises(SystemExit) as done:
        main(["runs", "--store", str(tmp_path / "runs.db")])
    capsys.readouterr()
    assert done.value.code in (0, None)
    assert gc.get_freeze_count() <= before  # (frozen objects still die of their refcount)
