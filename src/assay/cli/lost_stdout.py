"""A command whose stdout could not be written (``assay runs > /dev/full``, a full disk, an
I/O error): what it says, worded for what the command is, and its exit code.

A run's lines are commentary on the run, which goes on to its end (its findings stored, its
reports and its exit code its own).  A listing's lines (``assay runs``, ``assay show``,
``assay code``, a ``--dry-run``) are the whole answer: written nowhere, the command did not do
what it was asked, and it exits 2 as its ``--json`` form does.  Before, both said "the run
goes on" and the listing exited 0 with nothing written."""

from __future__ import annotations

import contextlib
import sys

from assay.cli import leftover

__all__ = ["answer", "closed_at_start", "exit_code", "failed", "forget"]

RUN_COMMANDS = ("fairness", "text", "backdoor", "demo", "resume")
EXIT_NOT_WRITTEN = 2  # as ``--json``'s "stdout (the JSON result): ..." and a usage error

_ANSWER: list[str] = []  # what the command's stdout holds when it is its answer
_LOST: list[str] = []  # why the command's stdout could not be written
_CLOSED: list[str] = []  # the standard streams closed when the process started (cli.std_fds)


def closed_at_start(names: list[str]) -> None:
    """The process started with these streams closed (``assay runs >&-``): a listing's
    answer then went nowhere, as to a full disk (it exited 0 with its lines dropped)."""
    _CLOSED[:] = names


def forget() -> None:
    """A command starts: its stdout is commentary until it says otherwise (``answer``)."""
    _ANSWER.clear()
    _LOST.clear()


def answer(what: str) -> None:
    """The command's stdout is its whole answer (``what``: "the list of runs")."""
    _ANSWER[:] = [what]


def failed(reason: str) -> str:
    """stdout failed (``reason``: "No space left on device"): the line to say on stderr."""
    _LOST.append(reason)
    if _ANSWER:
        return (
            f"assay: error: stdout cannot be written ({reason}): {_ANSWER[0]} is lost "
            f"(exit {EXIT_NOT_WRITTEN})"
        )
    command = leftover.command_name()
    if command is None or command in RUN_COMMANDS:
        goes_on = "the run goes on"
    else:  # (report, verify, delete, prune, salvage, code --forget: what it does stands)
        goes_on = f"assay {command} goes on (what it does and its exit code stand)"
    return (
        f"assay: warning: stdout cannot be written ({reason}); the rest of the output is "
        f"dropped, {goes_on}"
    )


def exit_code(code: int) -> int:
    """The command's exit code: 2 in place of 0 for a command whose answer was not written
    (stdout failed, or was closed when the process started: said on stderr)."""
    if code == 0 and _ANSWER and not _LOST and "stdout" in _CLOSED:
        _LOST.append("closed")
        if "stderr" not in _CLOSED:
            with contextlib.suppress(Exception):
                sys.stderr.write(
                    f"assay: error: stdout was closed when assay started: {_ANSWER[0]} is "
                    f"lost (exit {EXIT_NOT_WRITTEN})\n"
                )
    return EXIT_NOT_WRITTEN if _LOST and _ANSWER and code == 0 else code
