"""``main()`` run many times in one process (a notebook, a test suite) stays as quick as the
first: the commands are registered once, not again with every call (typer keeps a list, and
each call built every command in it: 0.15 s of CPU for the 2nd call, 1.4 s for the 25th)."""

from __future__ import annotations

import pytest

from assay.cli.app import app, main, register


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
