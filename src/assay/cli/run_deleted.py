"""A run deleted from its store (``assay delete`` or ``assay prune`` in another process) while
the command that ran it was still ending it: said as deleted, never named in a command.

A search that has ended holds no lock on its run (ops47, ops48: the user's delete goes
through, exit 0), but its command still reads the verdict, writes the reports and prints how
to rebuild them.  Deleted after the reports were written, the command printed "to rebuild the
reports: assay report RUN --store ...", which then fails ("no run"); deleted before, it ended
with "argument RUN_ID: no run ... (the store is empty)" (the command has no such argument) and
"its store could not be read, so no report of it was written ...; once the store can be read
again, write them: assay report RUN ..." (it can be read: the run is not in it)."""

from __future__ import annotations

import os

from assay.core.store import RunStore
from assay.errors import UsageError

__all__ = ["deleted_words", "gone", "gone_from"]


def gone(store: RunStore, run_id: str) -> bool:
    """Whether ``store`` no longer holds ``run_id`` (a store that cannot be read is not
    taken for one that lost the run: ``False``)."""
    try:
        store.get_run(run_id, brief=True)
    except UsageError:
        return True
    except Exception:
        return False
    return False


def gone_from(store_path: str | os.PathLike[str], run_id: str) -> bool:
    """``gone`` for a store given by its path: one that is not there, or cannot be read, is
    not said to have lost the run (its own words say why)."""
    if not os.path.isfile(store_path):
        return False
    try:
        with RunStore(store_path, read_only=True) as store:
            return gone(store, run_id)
    except Exception:
        return False


def deleted_words(run_id: str, when: str) -> str:
    """The run's deletion said (``when``: what the command was doing)."""
    return (
        f"run {run_id} was deleted from its store by another command (a delete or a prune) "
        f"{when}: its findings went with it"
    )
