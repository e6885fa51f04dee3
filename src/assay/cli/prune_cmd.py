"""``assay delete`` and ``assay prune``: take runs out of the store for good."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assay.cli import lost_stdout
from assay.cli.console import Output
from assay.cli.options import AsJson, Quiet
from assay.core import retention
from assay.core.store import DEFAULT_STORE, RunRecord, RunStore
from assay.errors import UsageError

__all__ = ["register"]

StoreOpt = Annotated[Path, typer.Option("--store", help="The run store (SQLite file).")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="List what would be deleted; delete nothing.")
]


def _open(store: Path) -> RunStore:
    if not store.exists():
        raise UsageError(f"no run store at {store} (pass --store)", argument="--store")
    return RunStore(store, compaction="off")


def _mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _runs(n: int) -> str:
    return f"{n:,} run{'' if n == 1 else 's'}"


def _line(r: RunRecord, status: str) -> str:
    when = dt.datetime.fromtimestamp(r.created, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"  {r.id}  {status:<16} {r.n_findings:>10,} findings  {when}"


def _statuses(store: RunStore, chosen: retention.Deletion) -> dict[str, str]:
    """Each chosen run's status as ``assay runs`` says it, read before it is deleted."""
    now = time.time()
    return {r.id: retention.status_of(store, r, now) for r in chosen.runs}


def _tell(
    out: Output, done: retention.Deletion, store: Path, shown: dict[str, str] | None = None
) -> None:
    """Say what was deleted (or would be); ``shown``: each run's status as ``assay runs``
    says it (``stalled`` for a run marked running whose process died)."""
    if done.dry_run:  # (else the runs are deleted, and its lines say what it did)
        lost_stdout.answer("the list of runs it would delete")
    if out.as_json:
        out.emit_json(
            {
                "store": str(store),
                "dry_run": done.dry_run,
                "deleted": [] if done.dry_run else [r.id for r in done.runs],
                "would_delete": [r.id for r in done.runs] if done.dry_run else [],
                "findings": done.findings,
                "kept": done.kept,
                "skipped": [{"id": r.id, "why": why} for r, why in done.skipped],
                "bytes_before": done.bytes_before,
                "bytes_after": done.bytes_after,
                "note": done.note,
            }
        )
        return
    for r, why in done.skipped:
        out.say(f"kept {r.id}: {why}")
    n = len(done.runs)
    if not n:
        out.say(f"no run to delete in {store} ({_runs(done.kept)} kept)")
        return
    for r in done.runs:
        out.say(_line(r, (shown or {}).get(r.id, r.status)))
    runs = f"{_runs(n)} ({done.findings:,} findings)"
    if done.dry_run:
        out.say(f"would delete {runs}; {done.kept:,} kept (--dry-run: nothing deleted)")
    else:
        out.say(
            f"deleted {runs}; {done.kept:,} kept; the store is {_mb(done.bytes_after)}, "
            f"was {_mb(done.bytes_before)}"
        )
        if done.note:
            out.note(f"note: {done.note}")


def register(app: typer.Typer, guarded: Callable[[Any], Any]) -> None:
    @app.command("delete")
    @guarded
    def delete(
        run_ids: Annotated[
            list[str], typer.Argument(help="Run ids (unique prefixes will do).", show_default=False)
        ],
        store: StoreOpt = DEFAULT_STORE,
        dry_run: DryRun = False,
        as_json: AsJson = False,
        quiet: Quiet = False,
    ) -> None:
        """Delete runs from the store for good (their findings and resume state with them).

        A run a process is running is refused, and then nothing is deleted."""
        out = Output(quiet=quiet, as_json=as_json)
        with _open(store) as the_store:
            chosen = retention.named(the_store, run_ids)
            shown = _statuses(the_store, chosen)
            done = chosen if dry_run else retention.delete(the_store, chosen)
            _tell(out, done, store, shown)

    @app.command("prune")
    @guarded
    def prune(
        keep_last: Annotated[
            int | None,
            typer.Option("--keep-last", help="Keep the newest N runs; the older ones may go."),
        ] = None,
        older_than: Annotated[
            str | None,
            typer.Option("--older-than", help="Only runs created longer ago (30d, 12h, 90m)."),
        ] = None,
        status: Annotated[
            str | None,
            typer.Option(
                "--status",
                help="Only runs of these statuses (comma-separated: failed, interrupted, "
                "stalled, model_unavailable, completed, budget_exhausted).",
            ),
        ] = None,
        store: StoreOpt = DEFAULT_STORE,
        dry_run: DryRun = False,
        as_json: AsJson = False,
        quiet: Quiet = False,
    ) -> None:
        """Delete the runs a retention policy selects (every condition given must hold).

        Runs still running are never deleted; a run whose process died is 'stalled'."""
        out = Output(quiet=quiet, as_json=as_json)
        policy = retention.Policy(
            keep_last=keep_last,
            older_than=None if older_than is None else retention.parse_age(older_than),
            statuses=tuple(s.strip() for s in (status or "").split(",") if s.strip()),
            names=retention.naming_store(retention.CLI_NAMES, store),
        )
        with _open(store) as the_store:
            chosen = retention.select(the_store, policy)
            shown = _statuses(the_store, chosen)
            done = chosen if dry_run else retention.delete(the_store, chosen)
            _tell(out, done, store, shown)
