"""Commands printed with a placeholder for the run (``assay resume RUN_ID``, ``assay resume
RUN``), filled in as the terminal prints them.

Messages made where the run is not known (a served model's refusal, deep in ``models.http``:
"a stopped run: assay resume RUN_ID --batch-size 32"; a stored reason: "assay resume RUN
finishes it") named the run by a placeholder and no store: pasted, the line failed ("no run
RUN_ID"), or looked in the default store.  Every line the command line prints
(``cli.console``) has them filled with the run the command made, resumed or reads
(``cli.leftover``: ``current``, ``about``): its id and ``--store`` (absolute), quoted for the
shell (a command naming the run's id without its store gets the store too); a resume as the
run's own resume line gives it (its reports, ``--model URL``,
``--allow-pickle``, the ``PYTHONPATH`` it imports its model through) with the options the
message advised after it.  With no run (loading failed before one was made), the clause
offering to resume a stopped run is dropped: there is none.  Only within a command
(``filling``, around ``cli.app.guarded``'s): the run a command left behind in this process
(an in-process test's) is no later caller's.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from assay.cli import leftover
from assay.core.run_commands import filled_for, resume_command

__all__ = ["filled", "filling"]

_WITHIN = [0]  # commands running in this process (``filling``)

# "(a stopped run: assay resume RUN_ID ...)" alone, or after "; " inside parentheses
_STOPPED = re.compile(
    r" \(a stopped run: assay resume RUN_ID[^;()]*\)|; a stopped run: assay resume RUN_ID[^;()]*"
)


@contextlib.contextmanager
def filling() -> Iterator[None]:
    """Within the block (a command), printed lines have their run's commands filled in."""
    _WITHIN[0] += 1
    try:
        yield
    finally:
        _WITHIN[0] -= 1


def filled(message: str) -> str:
    """``message`` with each command it names by a placeholder for the run filled in with
    the run this command is about (else the offer to resume a stopped run dropped)."""
    if "assay " not in message or not _WITHIN[0]:
        return message
    run = leftover.spoken_of()
    if run is None:
        return _STOPPED.sub("", message)
    run_id, store = run
    return filled_for(message, run_id, store, lambda: _resume_line(run_id, store))


def _resume_line(run_id: str, store: Path) -> str | None:
    """The run's resume line, as its start printed it (None: the store cannot say)."""
    from assay.core.store import RunStore

    with contextlib.suppress(Exception), RunStore(store, read_only=True) as the_store:
        record = the_store.get_run(run_id)
        return resume_command(run_id, store, record.command, config=record.config)
    return None
