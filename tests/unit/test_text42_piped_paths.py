"""A run given ``--grammar <(python make_grammar.py)`` (or a label map on standard input)
printed a "to reproduce" line naming ``/dev/fd/63``: pasted, it reads nothing.  The rerun
note says so (text42); a file's path is no pipe."""

from __future__ import annotations

import pytest

from assay.core.runinfo import rerun_note

RUN = "assay text a.py:f b.py:g --max-queries 300 --seed 1"


@pytest.mark.parametrize(
    ("command", "named"),
    [
        (f"{RUN} --grammar /dev/fd/63", "/dev/fd/63, a pipe"),
        (f"{RUN} --grammar=/proc/self/fd/11", "/proc/self/fd/11, a pipe"),
        (f"{RUN} --grammar /dev/fd/63 --label-map /dev/stdin", "/dev/fd/63, /dev/stdin, pipes"),
        ("assay fairness m.py:f --data /dev/fd/12 --protected sex", "/dev/fd/12, a pipe"),
    ],
)
def test_a_command_reading_a_pipe_says_its_rerun_cannot(command: str, named: str) -> None:
    note = rerun_note({}, command) or ""
    assert named in note and "write what it read to a file" in note, note


@pytest.mark.parametrize(
    "command",
    [f"{RUN} --grammar g.cfg", f"{RUN} --grammar /dev/fd_grammars/63.cfg", "assay.check_text()"],
)
def test_files_are_no_pipes(command: str) -> None:
    assert rerun_note({}, command) is None
