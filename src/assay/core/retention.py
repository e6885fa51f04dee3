"""Which runs to delete from a store: named ones, or those a retention policy selects.

A store a CI job keeps between builds grows by every run (a fairness run with its 100,000
witnesses is a few MB).  ``assay delete RUN...`` deletes named runs; ``assay prune`` the runs
a policy selects: those beyond the newest ``keep_last``, those created more than
``older_than`` ago, those of given statuses, or all of these at once (every condition given
must hold).  A run that a process is running is never deleted (its lock says so, see
``core.runlock``), nor is a run marked running that checkpointed within the last minute
(its process may be on a file system that cannot lock); a run whose process died
(``stalled``) is selected only by asking for that status.  Deleting is final: nothing of the
deleted runs stays in the store's file (``RunStore.delete_runs``).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.core.store import STATUSES, RunRecord, RunStore
from assay.core.terminal import shell_word
from assay.errors import UsageError

__all__ = [
    "API_NAMES",
    "CLI_NAMES",
    "Deletion",
    "Policy",
    "delete",
    "named",
    "naming_store",
    "parse_age",
    "select",
    "status_of",
    "store_bytes",
]

STALLED = "stalled"
RECENT = 60.0  # seconds: a run marked running that checkpointed since may still run
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# how an error names each setting: as the command line spells it, or the Python API
CLI_NAMES = {
    "keep_last": "--keep-last",
    "older_than": "--older-than",
    "status": "--status",
    "run_ids": "RUN_ID",
    "delete": "assay delete RUN",
    "is": " ",  # --keep-last N
}
API_NAMES = {
    "keep_last": "keep_last",
    "older_than": "older_than",
    "status": "status",
    "run_ids": "run_ids",
    "delete": "assay.delete_runs([RUN])",
    "is": "=",  # keep_last=N
}


def naming_store(names: Mapping[str, str], store: str | os.PathLike[str] | None) -> dict[str, str]:
    """``names`` whose way to delete named runs gives ``store`` (the one prune was given: a
    pasted ``assay delete RUN`` looked in the default store), absolute."""
    if store is None:
        return dict(names)
    where = Path(os.path.abspath(store)).as_posix()
    if names is API_NAMES:
        return {**names, "delete": f"assay.delete_runs([RUN], store={where!r})"}
    return {**names, "delete": f"{names['delete']} --store {shell_word(where)}"}


# (ASCII: '٨d' was 8 days)
_AGE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smhdw])\s*", re.IGNORECASE | re.ASCII)


def parse_age(text: str, *, argument: str = "--older-than") -> float:
    """Seconds in ``text``: a number and a unit, s, m, h, d or w (``30d``, ``12h``)."""
    m = _AGE.fullmatch(text)
    if m is None:
        raise UsageError(
            f"{text!r} is not an age: give a number and a unit, s, m, h, d or w (e.g. 30d, 12h)",
            argument=argument,
        )
    return float(m.group(1)) * _UNITS[m.group(2).lower()]


@dataclass(frozen=True)
class Policy:
    """What ``prune`` deletes: every condition given must hold for a run to go.  ``names``:
    how errors name the settings (``CLI_NAMES``, or ``API_NAMES`` for ``assay.prune_runs``)."""

    keep_last: int | None = None  # keep the newest this many runs (of every technique)
    older_than: float | None = None  # seconds since the run was created
    statuses: tuple[str, ...] = ()  # among STATUSES and "stalled"
    names: Mapping[str, str] = field(default_factory=lambda: CLI_NAMES, compare=False)

    def __post_init__(self) -> None:
        n = self.names
        keep, older, status, is_ = n["keep_last"], n["older_than"], n["status"], n["is"]
        if self.keep_last is None and self.older_than is None and not self.statuses:
            raise UsageError(
                f"say which runs to prune: {keep}{is_}N, {older}{is_}AGE or {status}{is_}S "
                f"(every one given must hold); to delete named runs: {n['delete']}"
            )
        if self.keep_last is not None:
            if isinstance(self.keep_last, bool) or not isinstance(self.keep_last, int):
                raise UsageError(
                    f"must be a whole number of runs, not {self.keep_last!r}", argument=keep
                )
            if self.keep_last < 0:
                raise UsageError(f"must be 0 or more, not {self.keep_last}", argument=keep)
        if self.older_than is not None and (
            isinstance(self.older_than, bool) or not isinstance(self.older_than, int | float)
        ):
            raise UsageError(
                f"must be seconds or an age such as '30d', not {self.older_than!r}",
                argument=older,
            )
        if self.older_than is not None and self.older_than < 0:
            raise UsageError("must not be negative", argument=older)
        known = (*STATUSES, STALLED)
        for s in self.statuses:
            if s == "running":
                raise UsageError(
                    "a running run is never pruned: stop it first (its process's Ctrl-C); a "
                    f"run whose process died is selected with {status}{is_}stalled",
                    argument=status,
                )
            if s not in known:
                among = ", ".join(k for k in known if k != "running")
                raise UsageError(f"no status {s!r}; choose among {among}", argument=status)


@dataclass
class Deletion:
    """What a deletion did (or, dry, would do)."""

    runs: list[RunRecord]  # (prune: brief records, see ``RunStore.list_runs``)
    kept: int  # runs left in the store
    bytes_before: int
    bytes_after: int
    dry_run: bool = False
    skipped: list[tuple[RunRecord, str]] = field(default_factory=list)  # and why
    note: str | None = None  # (e.g. the space not given back now, and why)

    @property
    def findings(self) -> int:
        return sum(r.n_findings for r in self.runs)

    @property
    def ids(self) -> list[str]:
        """The ids of the runs deleted (or, dry, that would be)."""
        return [r.id for r in self.runs]

    def __repr__(self) -> str:
        # one readable line in a notebook, not every run's config (a grammar, a schema)
        n = len(self.runs)
        what = "would delete" if self.dry_run else "deleted"
        shown = ", ".join(self.ids[:5]) + (f", ... ({n - 5} more)" if n > 5 else "")
        text = f"<Deletion: {what} {n} run{'' if n == 1 else 's'}"
        text += f" ({self.findings:,} findings): {shown}" if n else ""
        text += f"; {self.kept:,} kept"
        if self.skipped:
            text += f"; skipped (running, or stalled): {', '.join(r.id for r, _ in self.skipped)}"
        if not self.dry_run:
            text += f"; store {self.bytes_before / 1e6:,.1f} MB -> {self.bytes_after / 1e6:,.1f} MB"
        return text + (f"; {self.note}" if self.note else "") + ">"


def status_of(store: RunStore, record: RunRecord, now: float) -> str:
    """The run's status as ``assay runs`` shows it: ``stalled`` for a run marked running
    whose process is gone."""
    if record.status != "running":
        return record.status
    if store.abandoned(record.id):
        return STALLED
    if now - record.updated > RECENT and not store.owner(record.id):
        return STALLED
    return "running"


def _why_kept(store: RunStore, record: RunRecord, now: float) -> str | None:
    """Why the run cannot be deleted now (it runs, or may), or None."""
    if status_of(store, record, now) != "running":
        return None
    owner = store.owner(record.id)
    if owner:
        return f"it is being run by {owner}"
    return "it is marked running and checkpointed less than a minute ago: it may still run"


def select(store: RunStore, policy: Policy, *, now: float | None = None) -> Deletion:
    """The runs ``policy`` selects (a dry deletion: nothing deleted yet), newest first; runs
    it would select that still run are listed in ``skipped`` with why."""
    now = time.time() if now is None else now
    records = store.list_runs(limit=-1, brief=True)  # newest first
    chosen: list[RunRecord] = []
    skipped: list[tuple[RunRecord, str]] = []
    for rank, r in enumerate(records):
        if policy.keep_last is not None and rank < policy.keep_last:
            continue
        if policy.older_than is not None and now - r.created < policy.older_than:
            continue
        status = status_of(store, r, now)
        if policy.statuses and status not in policy.statuses:
            continue
        why = _why_kept(store, r, now)
        if why is None and status == STALLED and STALLED not in policy.statuses:
            # (--keep-last or --older-than alone deleted a resumable run whose process died)
            why = (
                "its process died (stalled): assay resume continues it; --status stalled prunes it"
            )
        if why is not None:
            skipped.append((r, why))
            continue
        chosen.append(r)
    size = store_bytes(store.path)
    return Deletion(chosen, len(records) - len(chosen), size, size, True, skipped)


def named(
    store: RunStore,
    run_ids: Sequence[str],
    *,
    now: float | None = None,
    names: Mapping[str, str] = CLI_NAMES,
) -> Deletion:
    """The runs named (unique prefixes will do), every one resolved and checked before
    anything is deleted: an unknown id, or a run that still runs, is a ``UsageError``."""
    now = time.time() if now is None else now
    records: dict[str, RunRecord] = {}
    for run_id in run_ids:
        try:
            r = store.get_run(run_id)
        except UsageError as exc:  # named as the caller spells the argument
            raise UsageError(exc.bare_message, argument=names["run_ids"]) from None
        why = _why_kept(store, r, now)
        if why is not None:
            raise UsageError(
                f"run {r.id} is not deleted: {why}; stop it first (Ctrl-C in its process)",
                argument=names["run_ids"],
            )
        records[r.id] = r
    size = store_bytes(store.path)
    total = len(store.list_runs(limit=-1, brief=True))
    return Deletion(list(records.values()), total - len(records), size, size, True)


def delete(store: RunStore, chosen: Deletion) -> Deletion:
    """Delete the runs of a dry deletion; the deletion done, with the store's size after."""
    note = store.delete_runs([r.id for r in chosen.runs]) if chosen.runs else None
    return Deletion(
        chosen.runs,
        chosen.kept,
        chosen.bytes_before,
        store_bytes(store.path),
        False,
        chosen.skipped,
        note,
    )


def store_bytes(path: Path) -> int:
    """Bytes of the store: its file and its write-ahead log."""
    total = 0
    for p in (path, path.with_name(path.name + "-wal")):
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total
